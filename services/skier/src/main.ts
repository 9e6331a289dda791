import {
  createMetricsRegistry,
  createUpstream,
  instrumentBreakers,
  instrumentPool,
  listen,
  runProcess,
} from '@skico/http';
import { CALLS_PER_CONNECTION, createPool, guardPool } from '@skico/pg';
import { createBreaker } from '@skico/resilience';
import { createApp } from './app.ts';
import { skierConfigSchema } from './config.ts';
import { skierDependencies } from './resilience.ts';

await runProcess({ service: 'skier', configSchema: skierConfigSchema }, async ({ config, log, lifecycle }) => {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'skier', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());
  const breakers = {
    postgres: createBreaker({ ...skierDependencies.postgres, capacity: CALLS_PER_CONNECTION * config.PG_POOL_MAX }),
    // The stats budget is the breaker's timeout: a call that had all of it and did not answer counts.
    liftRide: createBreaker({ ...skierDependencies['lift-ride'], timeoutMs: config.STATS_TIMEOUT_MS }),
  };
  const metrics = createMetricsRegistry('skier');
  instrumentBreakers(metrics, Object.values(breakers));
  instrumentPool(metrics, pool);
  const liftRide = createUpstream({
    name: 'lift-ride',
    baseUrl: config.LIFT_RIDE_URL,
    connections: 16,
    // A connect slower than the whole stats budget cannot help.
    connectTimeoutMs: config.STATS_TIMEOUT_MS,
  });
  lifecycle.onShutdown('lift-ride client', () => liftRide.close());

  const app = createApp({
    log,
    pool: guardPool(pool, (call) => breakers.postgres.run(call)),
    liftRide,
    breakers,
    metrics,
    statsTimeoutMs: config.STATS_TIMEOUT_MS,
    isDraining: lifecycle.isShuttingDown,
  });
  const server = await listen(app, { port: config.SKIER_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'skier service listening');
});
