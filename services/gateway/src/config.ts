import { port, positiveInt, processFields, url } from '@skico/config';
import { z } from 'zod';

export const gatewayConfigSchema = z.object({
  ...processFields(),
  GATEWAY_PORT: port(8080, 'Port of the gateway, the public entry.'),
  RESORT_URL: url('http://127.0.0.1:8081', ['http', 'https'], 'Base URL of the resort service.'),
  SKIER_URL: url('http://127.0.0.1:8082', ['http', 'https'], 'Base URL of the skier service.'),
  LIFT_RIDE_URL: url('http://127.0.0.1:8083', ['http', 'https'], 'Base URL of the lift-ride service.'),
  REDIS_URL: url('redis://127.0.0.1:6379', ['redis', 'rediss'], 'Redis URL (idempotency records, rate limits).'),
  NAMESPACE: z
    .string()
    .regex(/^[a-z0-9-]*$/)
    .default('')
    .describe('Prefix of Redis keys, so that test runs do not meet.'),
  UPSTREAM_CONNECTIONS: positiveInt(64, 'Keep-alive connections kept towards each upstream service.'),
  REQUEST_TIMEOUT_MS: positiveInt(2_000, 'Default time budget of a request through the gateway, in ms.'),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
