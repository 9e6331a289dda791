import { createHttpApp, listen, runProcess } from '@skico/http';
import { connectAmqp } from '@skico/messaging';
import { createPool } from '@skico/pg';
import { liftRideConfigSchema } from './config.ts';

// The queue consumer's composition root. It serves only health on its own port.
await runProcess(
  { service: 'lift-ride-worker', configSchema: liftRideConfigSchema },
  async ({ config, log, lifecycle }) => {
    const pool = createPool({
      url: config.DATABASE_URL,
      applicationName: 'lift-ride-worker',
      max: config.PG_POOL_MAX,
      log,
    });
    lifecycle.onShutdown('postgres', () => pool.end());
    const amqp = await connectAmqp(config.AMQP_URL, log);
    lifecycle.onShutdown('rabbitmq', () => amqp.close());

    const app = createHttpApp({
      log,
      isDraining: lifecycle.isShuttingDown,
      readiness: { postgres: () => pool.query('SELECT 1') },
      mount: () => undefined,
    });
    const server = await listen(app, { port: config.LIFT_RIDE_WORKER_PORT, host: config.HOST });
    lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
    log.info({ port: server.port }, 'lift-ride worker listening');
  },
);
