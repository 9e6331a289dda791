import type { ConfirmChannel, GetMessage, Message, Options } from 'amqplib';
import type { QueueTopology } from './topology.ts';

export interface DeadLetter {
  messageId: string | undefined;
  /** Why the broker dead-lettered it: `rejected` (invalid), `delivery_limit` (kept failing), `expired`… */
  reason: string | undefined;
  deadLetteredAt: string | undefined;
  body: string;
}

// The death facts again under names of our own: from RabbitMQ 3.13 on, `x-` headers belong to the broker,
// and one that a client publishes is not guaranteed to be read back as the broker wrote it.
const reasonHeader = 'dead-letter-reason';
const timeHeader = 'dead-lettered-at';
// What the broker counts per message: dropped from a copy, which starts its own count at zero.
const counters = ['x-delivery-count', 'x-acquired-count'];

function describe(message: GetMessage): DeadLetter {
  const headers = message.properties.headers ?? {};
  const deaths = headers['x-death'] as { reason?: string; time?: { value?: number } }[] | undefined;
  const first = deaths?.[0];
  const seconds = first?.time?.value;
  return {
    messageId: message.properties.messageId as string | undefined,
    reason: first?.reason ?? (headers['x-first-death-reason'] as string | undefined) ?? headers[reasonHeader],
    deadLetteredAt:
      typeof seconds === 'number'
        ? new Date(seconds * 1000).toISOString()
        : (headers[timeHeader] as string | undefined),
    body: message.content.toString('utf8'),
  };
}

/** The properties of a message for a copy of it: the same content, persistent, without the broker's counters. */
function copyOf(message: Message, headers: Record<string, unknown>): Options.Publish {
  const p = message.properties;
  return {
    persistent: true,
    mandatory: true,
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    messageId: p.messageId,
    correlationId: p.correlationId,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
    headers,
  };
}

/**
 * Publishes each message on the confirm channel and resolves once all are confirmed into a queue.
 * @throws when one is nacked, returned as unroutable (mandatory), or the channel closes.
 */
async function publishAll(
  channel: ConfirmChannel,
  messages: { exchange: string; routingKey: string; content: Buffer; options: Options.Publish }[],
) {
  let returned = 0;
  const onReturn = () => {
    returned += 1;
  };
  channel.on('return', onReturn);
  try {
    for (const m of messages) channel.publish(m.exchange, m.routingKey, m.content, m.options);
    await channel.waitForConfirms();
  } finally {
    channel.off('return', onReturn);
  }
  if (returned > 0) throw new Error(`${returned} message(s) reached no queue`);
}

/**
 * Lists up to `limit` dead letters, oldest first, without using up a delivery attempt: each is taken off
 * the dead queue and a copy with the same content and headers is put at its back, the original acked only
 * once the copy is confirmed. Handing a message back (nack with requeue) would count a delivery on a quorum
 * queue, and RabbitMQ 4 drops a message past its default delivery limit of 20. So listing moves the shown
 * letters to the back of the queue: the next list shows the next ones. A crash between the copy and the ack
 * leaves both; a redriven duplicate counts once (each ride carries its natural key).
 * @throws when a copy is not confirmed; the originals are then handed back (nack with requeue).
 */
export async function listDeadLetters(channel: ConfirmChannel, topology: QueueTopology, limit: number) {
  const taken: GetMessage[] = [];
  for (let i = 0; i < limit; i++) {
    const message = await channel.get(topology.deadQueue, { noAck: false });
    if (!message) break;
    taken.push(message);
  }
  const letters = taken.map(describe);
  try {
    await publishAll(
      channel,
      taken.map((message, i) => {
        const headers = Object.fromEntries(
          Object.entries(message.properties.headers ?? {}).filter(([name]) => !counters.includes(name)),
        );
        const letter = letters[i];
        if (letter?.reason !== undefined) headers[reasonHeader] ??= letter.reason;
        if (letter?.deadLetteredAt !== undefined) headers[timeHeader] ??= letter.deadLetteredAt;
        // The default exchange routes by queue name: straight back to the dead queue.
        return {
          exchange: '',
          routingKey: topology.deadQueue,
          content: message.content,
          options: copyOf(message, headers),
        };
      }),
    );
  } catch (err) {
    for (const message of taken) channel.nack(message, false, true);
    throw err;
  }
  for (const message of taken) channel.ack(message);
  return letters;
}

/**
 * Publishes up to `limit` dead letters back to the lift-ride exchange, each removed from the dead queue
 * only after the broker confirmed its new copy into a queue. Returns how many were redriven.
 * @throws when a copy is not confirmed (e.g. the persist queue is not bound); that letter stays dead.
 */
export async function redriveDeadLetters(channel: ConfirmChannel, topology: QueueTopology, limit: number) {
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
      'x-acquired-count': _a,
      [reasonHeader]: _dr,
      [timeHeader]: _dt,
      ...headers
    } = (message.properties.headers ?? {}) as Record<string, unknown>;
    try {
      await publishAll(channel, [
        {
          exchange: topology.exchange,
          routingKey: topology.routingKey,
          content: message.content,
          // Published again now: the consumer's lag counts from here, not from the first publish.
          options: { ...copyOf(message, { ...headers, 'x-redriven': true, 'x-published-at': Date.now() }) },
        },
      ]);
    } catch (err) {
      channel.nack(message, false, true);
      throw err;
    }
    channel.ack(message);
  }
  return redriven;
}
