import type { Channel } from 'amqplib';

/** The names a queue pipeline needs: an exchange and its queue, and the dead-letter exchange and queue. */
export interface QueueTopology {
  exchange: string;
  queue: string;
  deadExchange: string;
  deadQueue: string;
  routingKey: string;
}

export interface QueueLimits {
  /**
   * Processing failures of one message before it is dead-lettered, counted by the consumer (maxFailures).
   * The queue's own x-delivery-limit is DELIVERY_BACKSTOP, since the broker counts returns too.
   */
  deliveryLimit: number;
  /** Messages the queue holds before publishes are rejected (x-max-length, overflow reject-publish). */
  maxLength: number;
}

/**
 * The broker's delivery limit: far above any failure limit, since RabbitMQ 3.x and 4.0-4.2 count every
 * return (a restart, a lost connection, a held batch given back) as a delivery; it only stops a message
 * that kills its consumer before it can count a failure.
 */
const DELIVERY_BACKSTOP = 100;

/** The arguments of the persist queue; the same in code, in the broker definitions file and in tests. */
export function persistQueueArguments(topology: QueueTopology, limits: QueueLimits): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': DELIVERY_BACKSTOP,
    'x-dead-letter-exchange': topology.deadExchange,
    'x-dead-letter-routing-key': topology.routingKey,
    // At-least-once dead-lettering: a dead letter is not dropped on the way to the dead queue.
    'x-dead-letter-strategy': 'at-least-once',
    'x-max-length': limits.maxLength,
    'x-overflow': 'reject-publish',
  };
}

/**
 * Declares the exchange, the quorum persist queue and the dead-letter path. Idempotent: every process
 * that publishes or consumes runs it on each (re)connection.
 */
export async function declareQueueTopology(channel: Channel, topology: QueueTopology, limits: QueueLimits) {
  await channel.assertExchange(topology.exchange, 'direct', { durable: true });
  await channel.assertExchange(topology.deadExchange, 'direct', { durable: true });
  await channel.assertQueue(topology.deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(topology.deadQueue, topology.deadExchange, topology.routingKey);
  await channel.assertQueue(topology.queue, { durable: true, arguments: persistQueueArguments(topology, limits) });
  await channel.bindQueue(topology.queue, topology.exchange, topology.routingKey);
}
