import type { IncomingMessage } from 'node:http';
import { createApiKeyVerifier } from '@skico/auth';
import type { Redis } from '@skico/cache';
import type { Registry, Stage } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { SecurityConfig } from '../security-config.ts';
import { clientOf } from './client-identity.ts';
import { cors } from './cors.ts';
import { jsonDepthLimit } from './json-depth.ts';
import { createRateLimiter, type RateLimiter } from './rate-limit.ts';
import { countRateLimited } from './rate-limit-metrics.ts';
import { requestShapeLimits } from './request-shape.ts';
import { securityHeaders } from './security-headers.ts';

/** The gateway's front door, built once from the config: what app.ts mounts before any route. */
export interface GatewayGuards {
  /** Helmet's headers, on every answer of both listeners. */
  securityHeaders: Stage;
  /** CORS for the origins of CORS_ORIGINS. */
  cors: Stage;
  /** URL length and number of query parameters. */
  requestShape: Stage;
  /** Per client and class of traffic; absent when RATE_LIMIT_ENABLED is false. */
  rateLimiter?: RateLimiter;
  /** Nesting of JSON bodies, checked once the body is read. */
  jsonDepth: Stage;
  /** Who is asking: an issued API key, else the address. An Idempotency-Key is scoped to it. */
  clientOf: (req: IncomingMessage) => string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
}

/**
 * The front door's guards from the config; the rate limiter shares Redis (through its breaker) with the
 * idempotency store, and its refusals are counted in `metrics`.
 */
export function createGatewayGuards(
  config: SecurityConfig,
  deps: { redis: Redis; breaker: Breaker; log: Logger; metrics: Registry; now?: () => number },
): GatewayGuards {
  const identity = {
    trustProxyHops: config.TRUST_PROXY_HOPS,
    verifyApiKey: createApiKeyVerifier(config.API_KEY_SECRET),
  };
  const rateLimiter = config.RATE_LIMIT_ENABLED
    ? createRateLimiter({
        redis: deps.redis,
        breaker: deps.breaker,
        log: deps.log,
        windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
        syncMs: config.RATE_LIMIT_SYNC_MS,
        identity,
        maxClients: config.RATE_LIMIT_MAX_CLIENTS,
        now: deps.now,
        limits: {
          read: config.RATE_LIMIT_READS,
          ride: config.RATE_LIMIT_RIDES,
          write: config.RATE_LIMIT_WRITES,
          admin: config.RATE_LIMIT_ADMIN,
        },
      })
    : undefined;
  return {
    securityHeaders: securityHeaders(),
    cors: cors(config.CORS_ORIGINS),
    requestShape: requestShapeLimits({
      maxUrlLength: config.MAX_URL_LENGTH,
      maxQueryParams: config.MAX_QUERY_PARAMS,
    }),
    rateLimiter: rateLimiter && countRateLimited(deps.metrics, rateLimiter),
    jsonDepth: jsonDepthLimit(config.MAX_JSON_DEPTH),
    clientOf: (req) => clientOf(req, identity),
    maxBodyBytes: config.MAX_BODY_BYTES,
  };
}
