import { flag, positiveInt } from '@skico/config';
import { z } from 'zod';

const origin = z.string().regex(/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/, 'an origin: scheme://host[:port]');

/**
 * The gateway's front-door limits, as config keys. The rate-limit budgets are sized so that the course
 * workload from one client (about 10,000 lift rides a second from one address) is never throttled;
 * docs/security.md explains the numbers.
 */
export const securityFields = () => ({
  RATE_LIMIT_ENABLED: flag(true, 'Whether the gateway rate-limits clients (per issued API key, else per IP).'),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(10, 'Length of the sliding rate-limit window, in seconds.'),
  RATE_LIMIT_SYNC_MS: positiveInt(
    50,
    'How often each gateway shares its rate-limit counts through Redis, in ms; between two syncs a client can pass its budget by what it sends to the other replicas.',
  ),
  RATE_LIMIT_READS: positiveInt(300_000, 'GET requests one client may send per window.'),
  RATE_LIMIT_RIDES: positiveInt(300_000, 'Lift-ride POSTs one client may send per window.'),
  RATE_LIMIT_WRITES: positiveInt(20_000, 'Other non-admin writes (skier profiles) one client may send per window.'),
  RATE_LIMIT_ADMIN: positiveInt(2_000, 'Admin-only requests one client may send per window.'),
  RATE_LIMIT_MAX_CLIENTS: positiveInt(
    100_000,
    'Budgets (one per client and class of traffic) each gateway keeps in memory at most; the least recently used make room and read their counts back from Redis.',
  ),
  TRUST_PROXY_HOPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe(
      'Reverse proxies in front of the gateway whose X-Forwarded-For is believed for the client IP; 0 believes none.',
    ),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter((o) => o.length > 0),
    )
    .pipe(z.array(origin))
    .describe('Comma-separated browser origins allowed to call the API cross-origin; empty allows none.'),
  MAX_BODY_BYTES: positiveInt(16 * 1024, 'Largest request body accepted, in bytes; more is 413.'),
  MAX_HEADER_BYTES: positiveInt(16 * 1024, 'Largest request line plus headers accepted, in bytes; more is 431.'),
  MAX_URL_LENGTH: positiveInt(2_048, 'Longest URL (path and query) accepted, in characters; more is 414.'),
  // The services' query parser (qs) reads at most 20 repeats of a key as a list and more as an object,
  // which their schemas then refuse: the gateway says so first, and plainly.
  MAX_QUERY_PARAMS: positiveInt(
    20,
    'Query parameters accepted per request, each repeat of a key counted; more is 400.',
  ),
  MAX_JSON_DEPTH: positiveInt(8, 'Deepest nesting of arrays and objects accepted in a JSON body; more is 400.'),
});

export type SecurityConfig = z.infer<z.ZodObject<ReturnType<typeof securityFields>>> & {
  /** The secret that signs API keys (in the gateway's config, next to JWT_SECRET). */
  API_KEY_SECRET: string;
};
