import { listen, runProcess } from '@skico/http';
import { composeWorker } from './composition.ts';
import { liftRideConfigSchema } from './config.ts';
import { createWorkerApp } from './worker-app.ts';

await runProcess(
  { service: 'lift-ride-worker', configSchema: liftRideConfigSchema },
  async ({ config, log, lifecycle }) => {
    const app = createWorkerApp(await composeWorker(config, log, lifecycle));
    const server = await listen(app, { port: config.LIFT_RIDE_WORKER_PORT, host: config.HOST });
    lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
    log.info({ port: server.port }, 'lift-ride worker consuming');
  },
);
