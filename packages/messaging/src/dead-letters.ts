import type { ConfirmChannel, GetMessage } from 'amqplib';
import { FAILURES_HEADER } from './failure-count.ts';
import { copyOf, type Outgoing, ownHeaders, publishAll, reasonHeader, timeHeader } from './message-copy.ts';
import type { QueueTopology } from './topology.ts';

export interface DeadLetter {
  messageId: string | undefined;
  /** Why the broker dead-lettered it: `rejected` (invalid), `delivery_limit` (kept failing), `expired`… */
  reason: string | undefined;
  deadLetteredAt: string | undefined;
  body: string;
}

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

/** A copy of a dead letter for the back of the dead queue, its death facts kept under our own names. */
function backCopy(topology: QueueTopology, message: GetMessage, letter: DeadLetter): Outgoing {
  const headers = Object.fromEntries(
    Object.entries(message.properties.headers ?? {}).filter(([name]) => !counters.includes(name)),
  );
  if (letter.reason !== undefined) headers[reasonHeader] ??= letter.reason;
  if (letter.deadLetteredAt !== undefined) headers[timeHeader] ??= letter.deadLetteredAt;
  // The default exchange routes by queue name: straight back to the dead queue.
  return { exchange: '', routingKey: topology.deadQueue, content: message.content, options: copyOf(message, headers) };
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
      taken.map((message, i) => backCopy(topology, message, letters[i] as DeadLetter)),
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
 * only after the broker confirmed its new copy into a queue. With `select`, only the letters it picks are
 * redriven: the others, among as many as the dead queue held when it began, move to its back (as `list`
 * moves them), so each letter is looked at once. Returns how many were redriven.
 * @throws when a copy is not confirmed (e.g. the persist queue is not bound); that letter stays dead.
 */
export async function redriveDeadLetters(
  channel: ConfirmChannel,
  topology: QueueTopology,
  limit: number,
  select?: (letter: DeadLetter) => boolean,
) {
  let redriven = 0;
  let looked = 0;
  const held = select ? (await channel.checkQueue(topology.deadQueue)).messageCount : Number.POSITIVE_INFINITY;
  while (redriven < limit && looked < held) {
    const message = await channel.get(topology.deadQueue, { noAck: false });
    if (!message) break;
    looked += 1;
    const letter = describe(message);
    const chosen = select === undefined || select(letter);
    try {
      await publishAll(channel, [chosen ? forwardCopy(topology, message) : backCopy(topology, message, letter)]);
    } catch (err) {
      channel.nack(message, false, true);
      throw err;
    }
    channel.ack(message);
    if (chosen) redriven += 1;
  }
  return redriven;
}

/** A dead letter's copy for the persist queue: published again now, so the consumer's lag counts from here. */
function forwardCopy(topology: QueueTopology, message: GetMessage): Outgoing {
  // A redriven message starts its failure count afresh: its cause is meant to be fixed by now.
  const {
    [reasonHeader]: _reason,
    [timeHeader]: _time,
    [FAILURES_HEADER]: _failures,
    ...headers
  } = ownHeaders(message.properties.headers);
  return {
    exchange: topology.exchange,
    routingKey: topology.routingKey,
    content: message.content,
    options: copyOf(message, { ...headers, 'x-redriven': true, 'x-published-at': Date.now() }),
  };
}
