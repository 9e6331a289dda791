import { listen, runProcess } from '@skico/http';
import { createApp } from './app.ts';
import { composeResort } from './composition.ts';
import { resortConfigSchema } from './config.ts';

await runProcess({ service: 'resort', configSchema: resortConfigSchema }, async ({ config, log, lifecycle }) => {
  const app = createApp(composeResort(config, log, lifecycle));
  const server = await listen(app, { port: config.RESORT_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'resort service listening');
});
