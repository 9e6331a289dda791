import { listen, runProcess } from '@skico/http';
import { createPool } from '@skico/pg';
import { createApp } from './app.ts';
import { resortConfigSchema } from './config.ts';

await runProcess({ service: 'resort', configSchema: resortConfigSchema }, async ({ config, log, lifecycle }) => {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'resort', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());

  const app = createApp({ log, pool, isDraining: lifecycle.isShuttingDown });
  const server = await listen(app, { port: config.RESORT_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'resort service listening');
});
