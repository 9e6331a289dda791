import {
  createHttpApp,
  createMetricsRegistry,
  instrumentBreakers,
  instrumentPool,
  instrumentQueues,
  listen,
  runProcess,
} from '@skico/http';
import { createBatchConsumer, createQueueInspector } from '@skico/messaging';
import { createLiftRideClients } from './composition.ts';
import { liftRideConfigSchema } from './config.ts';
import { liftRideHealthDeps } from './health-deps.ts';
import { workerMetrics } from './pipeline-metrics.ts';
import { createPersistHandler } from './worker/persist-handler.ts';

// The queue consumer's composition root: batches from lift-rides.persist into Postgres. It serves only
// health and metrics on its own port.
await runProcess(
  { service: 'lift-ride-worker', configSchema: liftRideConfigSchema },
  async ({ config, log, lifecycle }) => {
    const clients = await createLiftRideClients(config, log, lifecycle, 'lift-ride-worker');
    const metrics = createMetricsRegistry('lift-ride-worker');
    const consumer = createBatchConsumer({
      connection: clients.amqp,
      queue: clients.topology.queue,
      prefetch: config.WORKER_PREFETCH,
      batchSize: config.WORKER_BATCH_SIZE,
      lingerMs: config.WORKER_LINGER_MS,
      holdRetryMs: 500,
      maxFailures: config.QUEUE_DELIVERY_LIMIT,
      log,
      handle: createPersistHandler({ write: clients.write, log }),
      onBatch: workerMetrics(metrics),
    });
    // Registered after the clients, so it runs before they close: stop consuming, finish the batch in hand.
    lifecycle.onShutdown('consumer', () => consumer.stop(config.SHUTDOWN_GRACE_MS));
    await clients.amqp.ready(10_000);

    const inspector = createQueueInspector(clients.amqp);
    instrumentBreakers(metrics, [clients.postgres, clients.redisBreaker]);
    instrumentPool(metrics, clients.pool);
    instrumentQueues(metrics, { depth: inspector.depth, ...clients.topology });
    const app = createHttpApp({
      log,
      isDraining: lifecycle.isShuttingDown,
      metrics,
      readiness: { rabbitmq: async () => clients.amqp.ready(0) },
      mount: (app) => {
        app.use(
          liftRideHealthDeps({
            ...clients,
            breakers: [clients.postgres],
            inspector,
            extra: () => ({ consumer: { status: consumer.holding() ? 'degraded' : 'up' } }),
          }),
        );
      },
    });
    const server = await listen(app, { port: config.LIFT_RIDE_WORKER_PORT, host: config.HOST });
    lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
    log.info({ port: server.port }, 'lift-ride worker consuming');
  },
);
