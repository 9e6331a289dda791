import {
  createMetricsRegistry,
  createUpstream,
  instrumentBreakers,
  instrumentCache,
  instrumentPool,
  instrumentQueues,
  listen,
  runProcess,
} from '@skico/http';
import { createPublisher, createQueueInspector, isTopologyMismatch } from '@skico/messaging';
import { createBreaker } from '@skico/resilience';
import { createApp } from './app.ts';
import { createLiftRideClients } from './composition.ts';
import { liftRideConfigSchema } from './config.ts';
import { createResortMetadata } from './data/resort-metadata.ts';
import { createRideQueries } from './data/ride-queries.ts';
import { createRideService } from './domain/ride-service.ts';
import { liftRideHealthDeps } from './health-deps.ts';
import { publishMetrics } from './pipeline-metrics.ts';
import { liftRideDependencies } from './resilience.ts';

await runProcess({ service: 'lift-ride', configSchema: liftRideConfigSchema }, async ({ config, log, lifecycle }) => {
  const clients = await createLiftRideClients(config, log, lifecycle, 'lift-ride');
  const publisher = createPublisher(
    clients.amqp,
    { exchange: clients.topology.exchange, routingKey: clients.topology.routingKey },
    { log },
  );
  const rabbitmq = createBreaker(liftRideDependencies.rabbitmq);
  const fallback = createBreaker({ ...liftRideDependencies.fallback, capacity: config.FALLBACK_CONCURRENCY });
  const resortBreaker = createBreaker(liftRideDependencies.resort);
  const resort = createUpstream({ name: 'resort', baseUrl: config.RESORT_URL, connections: 16 });
  lifecycle.onShutdown('resort client', () => resort.close());
  // Waits briefly for the broker so that the first rides are queued; without it they take the fallback. A
  // queue that exists with other arguments is a configuration error that no retry mends: the start fails.
  await clients.amqp.ready(5_000).catch((err) => {
    if (isTopologyMismatch(err)) throw err;
    log.warn('starting without rabbitmq');
  });
  const metrics = createMetricsRegistry('lift-ride');
  const inspector = createQueueInspector(clients.amqp);

  const rides = createRideService({
    cache: clients.cache,
    queries: createRideQueries(clients.readPool),
    metadata: createResortMetadata({
      upstream: resort,
      breaker: resortBreaker,
      cache: clients.cache,
      localTtlMs: 10_000,
      sharedTtlSeconds: config.METADATA_TTL_SECONDS,
    }),
    accept: {
      publisher,
      rabbitmq,
      write: clients.write,
      fallback,
      fallbackEnabled: config.PUBLISH_FALLBACK,
      publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
      log,
      count: publishMetrics(metrics),
    },
    waitWindowMinutes: config.WAIT_WINDOW_MINUTES,
    liftCapacityPerMinute: config.LIFT_CAPACITY_PER_MINUTE,
    readTtlSeconds: config.READ_CACHE_TTL_SECONDS,
    waitTimesTtlSeconds: config.WAIT_TIMES_TTL_SECONDS,
  });

  instrumentBreakers(metrics, [clients.postgres, clients.redisBreaker, rabbitmq, fallback, resortBreaker]);
  instrumentCache(metrics, clients.cache);
  instrumentPool(metrics, clients.pool);
  instrumentQueues(metrics, { depth: inspector.depth, ...clients.topology });
  const app = createApp({
    log,
    rides,
    metrics,
    // Through the breaker: a probe cannot pile up on a hung Postgres.
    readiness: { postgres: () => clients.postgres.run(() => clients.pool.query('SELECT 1')) },
    healthDeps: liftRideHealthDeps({
      ...clients,
      breakers: [clients.postgres, rabbitmq, fallback, resortBreaker],
      inspector,
    }),
    isDraining: lifecycle.isShuttingDown,
  });
  const server = await listen(app, { port: config.LIFT_RIDE_PORT, host: config.HOST });
  lifecycle.onShutdown('http', () => server.close(config.SHUTDOWN_GRACE_MS));
  log.info({ port: server.port }, 'lift-ride service listening');
});
