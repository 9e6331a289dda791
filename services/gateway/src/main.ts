import { createUpstream, listen, runProcess } from '@skico/http';
import { createApp } from './app.ts';
import { gatewayConfigSchema } from './config.ts';

await runProcess({ service: 'gateway', configSchema: gatewayConfigSchema }, async ({ config, log, lifecycle }) => {
  const upstream = (name: string, baseUrl: string) => {
    const client = createUpstream({ name, baseUrl, connections: config.UPSTREAM_CONNECTIONS });
    lifecycle.onShutdown(`upstream ${name}`, () => client.close());
    return client;
  };
  const upstreams = {
    resort: upstream('resort', config.RESORT_URL),
    skier: upstream('skier', config.SKIER_URL),
    'lift-ride': upstream('lift-ride', config.LIFT_RIDE_URL),
  };

  const app = createApp({
    log,
    upstreams,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    isDraining: lifecycle.isShuttingDown,
  });
  const server = await listen(app, { port: config.GATEWAY_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'gateway listening');
});
