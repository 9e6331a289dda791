import { createCache, createRedisClient, reconnectWhenOpen, redisReady } from '@skico/cache';
import { liftRideTopology } from '@skico/contracts';
import {
  baseUrlList,
  createMetricsRegistry,
  createReplicas,
  instrumentBreakers,
  instrumentCache,
  instrumentPool,
  instrumentQueues,
  type Lifecycle,
} from '@skico/http';
import type { Logger } from '@skico/log';
import {
  createAmqpConnection,
  createBatchConsumer,
  createPublisher,
  createQueueInspector,
  declareQueueTopology,
  isTopologyMismatch,
} from '@skico/messaging';
import { CALLS_PER_CONNECTION, createPool, guardPool, type Pool, readPool, watchReplicaLag } from '@skico/pg';
import { createBreaker } from '@skico/resilience';
import type { LiftRideDeps } from './app.ts';
import type { LiftRideConfig } from './config.ts';
import { createResortMetadata } from './data/resort-metadata.ts';
import { createRideInsert } from './data/ride-insert.ts';
import { createRideQueries } from './data/ride-queries.ts';
import { createAcceptRide, RIDES_HEADER } from './domain/accept-ride.ts';
import { persistBatch } from './domain/persist-batch.ts';
import { type PersistRides, persistRides } from './domain/persist-rides.ts';
import { type RecordDeps, recordRide } from './domain/record-ride.ts';
import { createRideReads } from './domain/ride-reads.ts';
import { liftRideHealthDeps } from './monitoring/health-deps.ts';
import { workerMetrics } from './monitoring/pipeline-metrics.ts';
import { publishMetrics } from './monitoring/publish-metrics.ts';
import { liftRideDependencies, replicaReads } from './resilience.ts';
import type { WorkerDeps } from './worker-app.ts';

/**
 * The clients both lift-ride processes (API and worker) need: Postgres, Redis and the cache, RabbitMQ
 * with the topology declared on every (re)connection, the Postgres breaker and the idempotent ride write.
 * Every resource registers its close.
 */
async function createSharedClients(config: LiftRideConfig, log: Logger, lifecycle: Lifecycle, name: string) {
  // No statement runs longer than the breaker waits for it, should its cancel be lost.
  const pool = createPool({
    url: config.DATABASE_URL,
    applicationName: name,
    max: config.PG_POOL_MAX,
    statementTimeoutMs: liftRideDependencies.postgres.timeoutMs,
    log,
  });
  lifecycle.onShutdown('postgres', () => pool.end());
  const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.NAMESPACE, log });
  lifecycle.onShutdown('redis', () => redis.quit().then(() => undefined));
  // Redis only speeds reads up: a missing Redis delays start a little and nothing else.
  if (!(await redisReady(redis, 2_000))) log.warn('starting without redis');

  const topology = liftRideTopology(config.NAMESPACE);
  const limits = { deliveryLimit: config.QUEUE_DELIVERY_LIMIT, maxLength: config.QUEUE_MAX_LENGTH };
  const amqp = createAmqpConnection({ url: config.AMQP_URL, log, name });
  amqp.onConnect(async (connection) => {
    const channel = await connection.createChannel();
    await declareQueueTopology(channel, topology, limits);
    await channel.close();
  });
  lifecycle.onShutdown('rabbitmq', () => amqp.close());

  const postgres = createBreaker({
    ...liftRideDependencies.postgres,
    capacity: CALLS_PER_CONNECTION * config.PG_POOL_MAX,
  });
  const redisBreaker = createBreaker(liftRideDependencies.redis);
  reconnectWhenOpen(redis, redisBreaker);
  const cache = createCache({ redis, namespace: 'liftride:v1:', log, guard: (call) => redisBreaker.run(call) });
  // A direct write for a request ends within the fallback's own timeout, so its slot frees after its work.
  const persistDeps = {
    insert: createRideInsert(pool),
    cache,
    postgres,
    budgetCapMs: liftRideDependencies.fallback.timeoutMs,
  };
  const persist: PersistRides = (rides, options) => persistRides(persistDeps, rides, options);
  const inspector = createQueueInspector(amqp);
  return { pool, redis, redisBreaker, cache, amqp, topology, inspector, postgres, persist };
}

/**
 * The read replica's pool, its own breaker (bulkhead sized to its pool, as the primary's) and the watch
 * of its lag behind the primary.
 */
function createReplica(config: LiftRideConfig, log: Logger, lifecycle: Lifecycle, primary: Pool) {
  const pool = createPool({
    url: config.DATABASE_READ_URL,
    applicationName: 'lift-ride-reads',
    max: config.PG_POOL_MAX,
    statementTimeoutMs: liftRideDependencies['postgres-replica'].timeoutMs,
    log,
  });
  lifecycle.onShutdown('postgres replica', () => pool.end());
  const breaker = createBreaker({
    ...liftRideDependencies['postgres-replica'],
    capacity: CALLS_PER_CONNECTION * config.PG_POOL_MAX,
  });
  const lag = watchReplicaLag({ primary, replica: pool, intervalMs: replicaReads.sampleIntervalMs });
  lag.start();
  lifecycle.onShutdown('replica lag watch', () => lag.stop());
  return { pool, breaker, lag };
}

/** Every client and use case of the lift-ride API: check, accept and the reads. */
export async function composeApi(config: LiftRideConfig, log: Logger, lifecycle: Lifecycle): Promise<LiftRideDeps> {
  const clients = await createSharedClients(config, log, lifecycle, 'lift-ride');
  const publisher = createPublisher(
    clients.amqp,
    { exchange: clients.topology.exchange, routingKey: clients.topology.routingKey },
    { log },
  );
  const rabbitmq = createBreaker(liftRideDependencies.rabbitmq);
  const fallback = createBreaker({ ...liftRideDependencies.fallback, capacity: config.FALLBACK_CONCURRENCY });
  // A pool and a breaker per resort replica, named after its address when there are several.
  const resort = createReplicas({
    name: 'resort',
    baseUrls: baseUrlList(config.RESORT_URL),
    connections: 16,
    breaker: (name) => createBreaker({ ...liftRideDependencies.resort, name }),
  });
  lifecycle.onShutdown('resort client', () => resort.close());
  const resortBreakers = resort.all.map((r) => r.breaker);
  // Waits briefly for the broker so that the first rides are queued; without it they take the fallback. A
  // queue that exists with other arguments is a configuration error that no retry mends: the start fails.
  await clients.amqp.ready(5_000).catch((err) => {
    if (isTopologyMismatch(err)) throw err;
    log.warn('starting without rabbitmq');
  });
  const metrics = createMetricsRegistry('lift-ride');
  instrumentCache(metrics, clients.cache);
  instrumentPool(metrics, clients.pool);
  instrumentQueues(metrics, { depth: clients.inspector.depth, ...clients.topology });

  const metadata = createResortMetadata({
    resort,
    cache: clients.cache,
    localTtlMs: 10_000,
    sharedTtlSeconds: config.METADATA_TTL_SECONDS,
  });
  const recordDeps: RecordDeps = {
    metadata,
    accept: createAcceptRide({
      publisher,
      rabbitmq,
      persist: clients.persist,
      fallback,
      fallbackEnabled: config.PUBLISH_FALLBACK,
      publishTimeoutMs: config.PUBLISH_TIMEOUT_MS,
      fallbackMs: liftRideDependencies.fallback.timeoutMs,
      group: {
        maxRides: config.PUBLISH_MAX_RIDES,
        maxBytes: config.PUBLISH_MAX_BYTES,
        maxInFlight: config.PUBLISH_MAX_IN_FLIGHT,
      },
      log,
      metrics: publishMetrics(metrics),
    }),
  };
  // Reads go through a breaker: a Postgres that is down answers 503 at once. With a replica, reads go to it
  // through its own breaker and bulkhead while it lags less than the cache's tombstones allow (see
  // replicaReads), and to the primary while it lags more or is down.
  const primaryReads = guardPool(clients.pool, (call) => clients.postgres.run(call));
  const replica = config.DATABASE_READ_URL ? createReplica(config, log, lifecycle, clients.pool) : undefined;
  const reads = createRideReads({
    cache: clients.cache,
    metadata,
    queries: createRideQueries(
      replica
        ? readPool({
            replica: guardPool(replica.pool, (call) => replica.breaker.run(call)),
            primary: primaryReads,
            useReplica: () => replica.lag.within(replicaReads.maxLagMs),
            onFallback: (err) => log.debug({ err }, 'read replica unavailable; read from the primary'),
          })
        : primaryReads,
    ),
    waitWindowMinutes: config.WAIT_WINDOW_MINUTES,
    liftCapacityPerMinute: config.LIFT_CAPACITY_PER_MINUTE,
    readTtlSeconds: config.READ_CACHE_TTL_SECONDS,
    waitTimesTtlSeconds: config.WAIT_TIMES_TTL_SECONDS,
  });
  const breakers = [clients.postgres, clients.redisBreaker, rabbitmq, fallback, ...resortBreakers];
  instrumentBreakers(metrics, [...breakers, ...(replica ? [replica.breaker] : [])]);
  return {
    log,
    record: (request, context) => recordRide(recordDeps, request, context),
    reads,
    metrics,
    // Through the breaker: a probe cannot pile up on a hung Postgres.
    readiness: { postgres: () => clients.postgres.run(() => clients.pool.query('SELECT 1')) },
    healthDeps: liftRideHealthDeps({
      ...clients,
      breakers: [clients.postgres, rabbitmq, fallback, ...resortBreakers, ...(replica ? [replica.breaker] : [])],
    }),
    isDraining: lifecycle.isShuttingDown,
  };
}

/**
 * Every client of the lift-ride worker and its consumer, which persists batches from the persist queue.
 * The consumer is registered after the clients, so it stops before they close.
 */
export async function composeWorker(config: LiftRideConfig, log: Logger, lifecycle: Lifecycle): Promise<WorkerDeps> {
  const clients = await createSharedClients(config, log, lifecycle, 'lift-ride-worker');
  const metrics = createMetricsRegistry('lift-ride-worker');
  const consumer = createBatchConsumer({
    connection: clients.amqp,
    queue: clients.topology.queue,
    prefetch: config.WORKER_PREFETCH,
    // Batches are bounded by rides: a message says how many it carries (one when it does not say).
    batchSize: config.WORKER_BATCH_SIZE,
    weightOf: (headers) => Number(headers[RIDES_HEADER] ?? 1),
    lingerMs: config.WORKER_LINGER_MS,
    holdRetryMs: 500,
    maxFailures: config.QUEUE_DELIVERY_LIMIT,
    // Where the rides of a message that are invalid, or failed too often, are dead-lettered one by one.
    deadQueue: clients.topology.deadQueue,
    log,
    handle: (batch) => persistBatch({ persist: clients.persist, log }, batch),
    onBatch: workerMetrics(metrics),
  });
  // Stop consuming and finish the batch in hand before the clients close.
  lifecycle.onShutdown('consumer', () => consumer.stop(config.SHUTDOWN_GRACE_MS));
  await clients.amqp.ready(10_000);

  instrumentBreakers(metrics, [clients.postgres, clients.redisBreaker]);
  instrumentPool(metrics, clients.pool);
  instrumentQueues(metrics, { depth: clients.inspector.depth, ...clients.topology });
  return {
    log,
    metrics,
    readiness: { rabbitmq: async () => clients.amqp.ready(0) },
    healthDeps: liftRideHealthDeps({
      ...clients,
      breakers: [clients.postgres],
      extra: () => ({ consumer: { status: consumer.holding() ? 'degraded' : 'up' } }),
    }),
    isDraining: lifecycle.isShuttingDown,
  };
}
