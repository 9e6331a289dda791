import { createMetricsRegistry, instrumentBreakers, instrumentPool, listen, runProcess } from '@skico/http';
import { CALLS_PER_CONNECTION, createPool } from '@skico/pg';
import { createBreaker } from '@skico/resilience';
import { createApp } from './app.ts';
import { resortConfigSchema } from './config.ts';
import { resortDependencies } from './resilience.ts';

await runProcess({ service: 'resort', configSchema: resortConfigSchema }, async ({ config, log, lifecycle }) => {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'resort', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());

  const postgres = createBreaker({
    ...resortDependencies.postgres,
    capacity: CALLS_PER_CONNECTION * config.PG_POOL_MAX,
  });
  const metrics = createMetricsRegistry('resort');
  instrumentBreakers(metrics, [postgres]);
  instrumentPool(metrics, pool);
  const app = createApp({ log, pool, postgres, metrics, isDraining: lifecycle.isShuttingDown });
  const server = await listen(app, { port: config.RESORT_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'resort service listening');
});
