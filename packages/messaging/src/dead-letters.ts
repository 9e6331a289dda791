import type { ConfirmChannel, GetMessage } from 'amqplib';
import type { LiftRideTopology } from './topology.ts';

export interface DeadLetter {
  messageId: string | undefined;
  /** Why the broker dead-lettered it: `rejected` (invalid), `delivery_limit` (kept failing), `expired`… */
  reason: string | undefined;
  deadLetteredAt: string | undefined;
  body: string;
}

function describe(message: GetMessage): DeadLetter {
  const deaths = message.properties.headers?.['x-death'] as
    | { reason?: string; time?: { value?: number } }[]
    | undefined;
  const first = deaths?.[0];
  const firstDeathReason = message.properties.headers?.['x-first-death-reason'] as string | undefined;
  const seconds = first?.time?.value;
  return {
    messageId: message.properties.messageId as string | undefined,
    reason: first?.reason ?? firstDeathReason,
    deadLetteredAt: typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : undefined,
    body: message.content.toString('utf8'),
  };
}

/**
 * Lists up to `limit` dead letters without removing them: each is fetched and returned to the dead queue.
 */
export async function listDeadLetters(channel: ConfirmChannel, topology: LiftRideTopology, limit: number) {
  const fetched: GetMessage[] = [];
  for (let i = 0; i < limit; i++) {
    const message = await channel.get(topology.deadQueue, { noAck: false });
    if (!message) break;
    fetched.push(message);
  }
  const letters = fetched.map(describe);
  for (const message of fetched) channel.nack(message, false, true);
  return letters;
}

/**
 * Publishes up to `limit` dead letters back to the lift-ride exchange, each removed from the dead queue
 * only after the broker confirmed its new copy. Returns how many were redriven.
 */
export async function redriveDeadLetters(channel: ConfirmChannel, topology: LiftRideTopology, limit: number) {
  let redriven = 0;
  for (; redriven < limit; redriven++) {
    const message = await channel.get(topology.deadQueue, { noAck: false });
    if (!message) break;
    const {
      'x-death': _death,
      'x-first-death-reason': _r,
      'x-first-death-queue': _q,
      'x-first-death-exchange': _e,
      'x-last-death-reason': _lr,
      'x-last-death-queue': _lq,
      'x-last-death-exchange': _le,
      'x-delivery-count': _c,
      ...headers
    } = (message.properties.headers ?? {}) as Record<string, unknown>;
    await new Promise<void>((resolve, reject) => {
      channel.publish(
        topology.exchange,
        topology.routingKey,
        message.content,
        {
          persistent: true,
          contentType: message.properties.contentType as string | undefined,
          messageId: message.properties.messageId as string | undefined,
          // Published again now: the consumer's lag counts from here, not from the first publish.
          headers: { ...headers, 'x-redriven': true, 'x-published-at': Date.now() },
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
    channel.ack(message);
  }
  return redriven;
}
