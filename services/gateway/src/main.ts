import { listen, runProcess } from '@skico/http';
import { createApp } from './app.ts';
import { createGatewayDeps } from './composition.ts';
import { gatewayConfigSchema } from './config.ts';

await runProcess({ service: 'gateway', configSchema: gatewayConfigSchema }, async ({ config, log, lifecycle }) => {
  const app = createApp(createGatewayDeps(config, log, lifecycle));
  const server = await listen(app, {
    port: config.GATEWAY_PORT,
    host: config.HOST,
    maxHeaderBytes: config.MAX_HEADER_BYTES,
  });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'gateway listening');
});
