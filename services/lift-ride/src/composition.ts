import { createCache, createRedisClient, reconnectWhenOpen, redisReady } from '@skico/cache';
import { liftRideTopology } from '@skico/contracts';
import type { Lifecycle } from '@skico/http';
import type { Logger } from '@skico/log';
import { createAmqpConnection, declareQueueTopology } from '@skico/messaging';
import { CALLS_PER_CONNECTION, createPool, guardPool } from '@skico/pg';
import { createBreaker } from '@skico/resilience';
import type { LiftRideConfig } from './config.ts';
import { createRideWriter } from './domain/ride-writer.ts';
import { liftRideDependencies } from './resilience.ts';

/**
 * The clients both lift-ride processes (API and worker) need, created once by their composition roots:
 * Postgres, Redis and the cache, RabbitMQ with the topology declared on every (re)connection, the
 * Postgres breaker and the idempotent ride writer. Every resource registers its close.
 */
export async function createLiftRideClients(config: LiftRideConfig, log: Logger, lifecycle: Lifecycle, name: string) {
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
  const write = createRideWriter({ pool, cache, postgres, budgetCapMs: liftRideDependencies.fallback.timeoutMs });
  // Reads go through the same breaker as writes: a Postgres that is down answers 503 at once.
  const readPool = guardPool(pool, (call) => postgres.run(call));
  return { pool, readPool, redis, redisBreaker, cache, amqp, topology, postgres, write };
}

export type LiftRideClients = Awaited<ReturnType<typeof createLiftRideClients>>;
