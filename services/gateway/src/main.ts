import { createRedisClient } from '@skico/cache';
import { createMetricsRegistry, createUpstream, listen, runProcess } from '@skico/http';
import { createApp } from './app.ts';
import { gatewayConfigSchema } from './config.ts';
import { createIdempotency } from './middleware/idempotency.ts';
import { createStatistics } from './middleware/statistics.ts';

await runProcess({ service: 'gateway', configSchema: gatewayConfigSchema }, async ({ config, log, lifecycle }) => {
  const upstream = (name: string, baseUrl: string) => {
    const client = createUpstream({ name, baseUrl, connections: config.UPSTREAM_CONNECTIONS });
    lifecycle.onShutdown(`upstream ${name}`, () => client.close());
    return client;
  };
  const upstreams = {
    resort: upstream('resort', config.RESORT_URL),
    skier: upstream('skier', config.SKIER_URL),
    'lift-ride': upstream('lift-ride', config.LIFT_RIDE_URL),
  };
  const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.NAMESPACE, log });
  lifecycle.onShutdown('redis', () => redis.quit().then(() => undefined));

  const app = createApp({
    log,
    upstreams,
    redis,
    idempotency: createIdempotency({
      redis,
      retentionSeconds: config.IDEMPOTENCY_RETENTION_SECONDS,
      lockSeconds: 30,
      log,
    }),
    statistics: createStatistics({ windowSeconds: config.STATISTICS_WINDOW_SECONDS }),
    tokens: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
    metrics: createMetricsRegistry('gateway'),
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    isDraining: lifecycle.isShuttingDown,
  });
  const server = await listen(app, { port: config.GATEWAY_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'gateway listening');
});
