import { listen, runProcess } from '@skico/http';
import { createApp, createOpsApp } from './app.ts';
import { createGatewayDeps } from './composition.ts';
import { gatewayConfigSchema } from './config.ts';

await runProcess({ service: 'gateway', configSchema: gatewayConfigSchema }, async ({ config, log, lifecycle }) => {
  const deps = createGatewayDeps(config, log, lifecycle);
  const app = createApp(deps);
  const ops = await listen(createOpsApp(deps), { port: config.GATEWAY_OPS_PORT, host: config.HOST });
  lifecycle.onShutdown('http ops', () => ops.close(config.SHUTDOWN_GRACE_MS));
  const server = await listen(app, {
    port: config.GATEWAY_PORT,
    host: config.HOST,
    maxHeaderBytes: config.MAX_HEADER_BYTES,
  });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port, opsPort: ops.port }, 'gateway listening');
});
