import { listen, runProcess } from '@skico/http';
import { createPool } from '@skico/pg';
import { createApp } from './app.ts';
import { skierConfigSchema } from './config.ts';

await runProcess({ service: 'skier', configSchema: skierConfigSchema }, async ({ config, log, lifecycle }) => {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'skier', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());

  const app = createApp({ log, pool, isDraining: lifecycle.isShuttingDown });
  const server = await listen(app, { port: config.SKIER_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'skier service listening');
});
