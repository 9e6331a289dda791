import type { Channel } from 'amqplib';

export interface LiftRideTopology {
  exchange: string;
  queue: string;
  deadExchange: string;
  deadQueue: string;
  routingKey: string;
}

export interface QueueLimits {
  /** Deliveries of one message before it is dead-lettered (quorum queue x-delivery-limit). */
  deliveryLimit: number;
  /** Messages the queue holds before publishes are rejected (x-max-length, overflow reject-publish). */
  maxLength: number;
}

/** The names of the lift-ride pipeline, behind an optional prefix so that test runs do not meet. */
export function liftRideTopology(namespace = ''): LiftRideTopology {
  return {
    exchange: `${namespace}lift-rides`,
    queue: `${namespace}lift-rides.persist`,
    deadExchange: `${namespace}lift-rides.dlx`,
    deadQueue: `${namespace}lift-rides.dead`,
    routingKey: 'ride',
  };
}

/** The arguments of the persist queue; the same in code, in the broker definitions file and in tests. */
export function persistQueueArguments(topology: LiftRideTopology, limits: QueueLimits): Record<string, unknown> {
  return {
    'x-queue-type': 'quorum',
    'x-delivery-limit': limits.deliveryLimit,
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
export async function declareLiftRideTopology(channel: Channel, topology: LiftRideTopology, limits: QueueLimits) {
  await channel.assertExchange(topology.exchange, 'direct', { durable: true });
  await channel.assertExchange(topology.deadExchange, 'direct', { durable: true });
  await channel.assertQueue(topology.deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(topology.deadQueue, topology.deadExchange, topology.routingKey);
  await channel.assertQueue(topology.queue, { durable: true, arguments: persistQueueArguments(topology, limits) });
  await channel.bindQueue(topology.queue, topology.exchange, topology.routingKey);
}
