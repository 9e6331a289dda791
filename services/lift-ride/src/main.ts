import { listen, runProcess } from '@skico/http';
import { createApp } from './app.ts';
import { composeApi } from './composition.ts';
import { liftRideConfigSchema } from './config.ts';

await runProcess({ service: 'lift-ride', configSchema: liftRideConfigSchema }, async ({ config, log, lifecycle }) => {
  const app = createApp(await composeApi(config, log, lifecycle));
  const server = await listen(app, { port: config.LIFT_RIDE_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'lift-ride service listening');
});
