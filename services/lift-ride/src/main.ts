import { createRedisClient } from '@skico/cache';
import { listen, runProcess } from '@skico/http';
import { createPool } from '@skico/pg';
import { createApp } from './app.ts';
import { liftRideConfigSchema } from './config.ts';

await runProcess({ service: 'lift-ride', configSchema: liftRideConfigSchema }, async ({ config, log, lifecycle }) => {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'lift-ride', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());
  const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: `${config.NAMESPACE}liftride:`, log });
  lifecycle.onShutdown('redis', () => redis.quit().then(() => undefined));

  const app = createApp({ log, pool, redis, isDraining: lifecycle.isShuttingDown });
  const server = await listen(app, { port: config.LIFT_RIDE_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'lift-ride service listening');
});
