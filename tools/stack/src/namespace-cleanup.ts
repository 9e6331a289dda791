import { liftRideTopology } from '@skico/contracts';
import amqp from 'amqplib';
import { Redis } from 'ioredis';

/**
 * Removes what one test run created under its namespace: the lift-ride exchanges and quorum queues, and
 * the Redis keys. Left behind, every run would add queues to the shared broker (each a Raft member with
 * its own log) until it slows down. Only names under the run's own prefix are touched.
 */
export async function removeNamespace(options: { namespace: string; amqpUrl: string; redisUrl: string }) {
  if (!options.namespace) throw new Error('refusing to clean up the default (empty) namespace');
  const topology = liftRideTopology(options.namespace);
  const connection = await firstNode(options.amqpUrl.split(',').map((u) => u.trim()));
  try {
    const channel = await connection.createChannel();
    for (const queue of [topology.queue, topology.deadQueue]) await channel.deleteQueue(queue);
    for (const exchange of [topology.exchange, topology.deadExchange]) await channel.deleteExchange(exchange);
    await channel.close();
  } finally {
    await connection.close();
  }
  const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${options.namespace}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** The first node of the list that accepts a connection (the URL may list a cluster's nodes). */
async function firstNode(urls: string[]) {
  let last: unknown;
  for (const url of urls) {
    try {
      return await amqp.connect(url, { timeout: 5_000 } as never);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}
