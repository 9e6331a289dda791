import { listen, runProcess } from '@skico/http';
import { createApp } from './app.ts';
import { composeSkier } from './composition.ts';
import { skierConfigSchema } from './config.ts';

await runProcess({ service: 'skier', configSchema: skierConfigSchema }, async ({ config, log, lifecycle }) => {
  const app = createApp(composeSkier(config, log, lifecycle));
  const server = await listen(app, { port: config.SKIER_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'skier service listening');
});
