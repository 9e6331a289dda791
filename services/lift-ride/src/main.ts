import { createCache, createRedisClient, redisReady } from '@skico/cache';
import { createUpstream, listen, runProcess } from '@skico/http';
import { createPool } from '@skico/pg';
import { createApp } from './app.ts';
import { liftRideConfigSchema } from './config.ts';
import { createResortMetadata } from './data/resort-metadata.ts';
import { createRideQueries } from './data/ride-queries.ts';
import { createRideService } from './domain/ride-service.ts';

await runProcess({ service: 'lift-ride', configSchema: liftRideConfigSchema }, async ({ config, log, lifecycle }) => {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'lift-ride', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());
  const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.NAMESPACE, log });
  lifecycle.onShutdown('redis', () => redis.quit().then(() => undefined));
  // Redis is optional for serving (reads fall back to Postgres), so a missing Redis only delays start a little.
  if (!(await redisReady(redis, 2_000))) log.warn('starting without redis');
  const resort = createUpstream({ name: 'resort', baseUrl: config.RESORT_URL, connections: 16 });
  lifecycle.onShutdown('resort client', () => resort.close());

  const cache = createCache({ redis, namespace: 'liftride:v1:', log });
  const rides = createRideService({
    pool,
    cache,
    queries: createRideQueries(pool),
    metadata: createResortMetadata({
      upstream: resort,
      cache,
      localTtlMs: 10_000,
      sharedTtlSeconds: config.METADATA_TTL_SECONDS,
      timeoutMs: 1_000,
    }),
    waitWindowMinutes: config.WAIT_WINDOW_MINUTES,
    liftCapacityPerMinute: config.LIFT_CAPACITY_PER_MINUTE,
    readTtlSeconds: config.READ_CACHE_TTL_SECONDS,
    waitTimesTtlSeconds: config.WAIT_TIMES_TTL_SECONDS,
  });

  const app = createApp({
    log,
    rides,
    readiness: { postgres: () => pool.query('SELECT 1') },
    isDraining: lifecycle.isShuttingDown,
  });
  const server = await listen(app, { port: config.LIFT_RIDE_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'lift-ride service listening');
});
