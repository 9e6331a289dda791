import { port, positiveInt, processFields, url, urlList } from '@skico/config';
import { z } from 'zod';
import { securityFields } from './security-config.ts';

export const DEVELOPMENT_JWT_SECRET = 'skico-development-secret-do-not-use-in-production';
export const DEVELOPMENT_API_KEY_SECRET = 'skico-development-api-key-secret-not-for-production';

export const gatewayConfigSchema = z
  .object({
    ...processFields(),
    GATEWAY_PORT: port(8080, 'Port of the gateway, the public entry.'),
    GATEWAY_OPS_PORT: port(
      8090,
      "Port of the gateway's internal listener (/health/deps, /metrics, the status page): for operators and Prometheus, never published.",
    ),
    RESORT_URL: urlList(
      'http://127.0.0.1:8081',
      ['http', 'https'],
      "Base URLs of the resort service's replicas, comma-separated (one URL: one replica); calls go round robin past a replica whose breaker is open.",
    ),
    SKIER_URL: urlList(
      'http://127.0.0.1:8082',
      ['http', 'https'],
      "Base URLs of the skier service's replicas, comma-separated (one URL: one replica); calls go round robin past a replica whose breaker is open.",
    ),
    LIFT_RIDE_URL: urlList(
      'http://127.0.0.1:8083',
      ['http', 'https'],
      "Base URLs of the lift-ride service's replicas, comma-separated (one URL: one replica); calls go round robin past a replica whose breaker is open.",
    ),
    LIFT_RIDE_WORKER_URL: urlList(
      'http://127.0.0.1:8084',
      ['http', 'https'],
      'Base URLs of the lift-ride workers, comma-separated (their health only, each a line of the status page).',
    ),
    REDIS_URL: url('redis://127.0.0.1:6379', ['redis', 'rediss'], 'Redis URL (idempotency records, rate limits).'),
    NAMESPACE: z
      .string()
      .regex(/^[a-z0-9-]*$/)
      .default('')
      .describe('Prefix of Redis keys, so that test runs do not meet.'),
    UPSTREAM_CONNECTIONS: positiveInt(128, 'Keep-alive connections kept towards each upstream service.'),
    READ_CONCURRENCY: positiveInt(96, 'Reads in flight at most per upstream (bulkhead); more are refused with 503.'),
    WRITE_CONCURRENCY: positiveInt(96, 'Writes in flight at most per upstream (bulkhead); more are refused with 503.'),
    REQUEST_TIMEOUT_MS: positiveInt(2_000, 'Default time budget of a request through the gateway, in ms.'),
    JWT_SECRET: z.string().min(32).default(DEVELOPMENT_JWT_SECRET).describe('HS256 key that signs bearer tokens.'),
    JWT_ISSUER: z.string().min(1).default('skico').describe('Expected `iss` of bearer tokens.'),
    JWT_AUDIENCE: z.string().min(1).default('skico-api').describe('Expected `aud` of bearer tokens.'),
    API_KEY_SECRET: z
      .string()
      .min(32)
      .default(DEVELOPMENT_API_KEY_SECRET)
      .describe('HMAC key that signs API keys (`npm run api-key`); changing it revokes every key issued.'),
    IDEMPOTENCY_RETENTION_SECONDS: positiveInt(86_400, 'How long an Idempotency-Key answer is kept for replay.'),
    STATISTICS_WINDOW_SECONDS: positiveInt(300, 'Rolling window of the /statistics latencies.'),
    ...securityFields(),
  })
  .superRefine((config, ctx) => {
    if (config.NODE_ENV !== 'production') return;
    const development = { JWT_SECRET: DEVELOPMENT_JWT_SECRET, API_KEY_SECRET: DEVELOPMENT_API_KEY_SECRET };
    for (const [variable, secret] of Object.entries(development)) {
      if (config[variable as keyof typeof development] === secret) {
        ctx.addIssue({ code: 'custom', path: [variable], message: 'the development secret is refused in production' });
      }
    }
  });

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
