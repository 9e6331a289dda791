import type { Logger } from '@skico/log';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Part } from './delivery.ts';
import { FAILURES_HEADER, failuresOf } from './failure-count.ts';
import { type Outgoing, ownHeaders, publishAll, reasonHeader, timeHeader } from './message-copy.ts';

export interface SplitOptions {
  queue: string;
  /** Where a refused part goes; without it, a split that refuses a part sends the whole message there. */
  deadQueue?: string;
  maxFailures?: number;
  log: Logger;
}

/**
 * Settles a message of which part is done and the other parts go on as messages of their own: each part
 * is published (confirmed), a 'retry' part back to the queue with the message's failure count + 1 (past
 * maxFailures it is dead-lettered instead), a 'reject' part straight to the dead queue with its reason.
 * Returns 'ack' once every copy is confirmed; otherwise 'return': the message goes back whole, and what
 * of it was done already takes effect once more only if the handler's writes are idempotent, which is
 * what a split is for.
 */
export async function settleSplit(
  item: { channel: ConfirmChannel; message: ConsumeMessage },
  parts: Part[],
  options: SplitOptions,
): Promise<'ack' | 'reject' | 'return'> {
  const { properties } = item.message;
  const base = ownHeaders(properties.headers);
  const failures = failuresOf(item.message) + 1;
  const tooOften = (part: Part) =>
    part.outcome === 'retry' && options.maxFailures !== undefined && failures > options.maxFailures;
  const copy = (part: Part, headers: Record<string, unknown>, routingKey: string): Outgoing => ({
    exchange: '',
    routingKey,
    content: part.body,
    options: {
      persistent: true,
      contentType: properties.contentType as string | undefined,
      messageId: part.messageId,
      timestamp: properties.timestamp as number | undefined,
      type: properties.type as string | undefined,
      headers: { ...base, ...part.headers, ...headers },
    },
  });
  const { deadQueue } = options;
  const dead = parts.filter((part) => part.outcome === 'reject' || tooOften(part));
  if (dead.length > 0 && deadQueue === undefined) {
    options.log.error(
      { messageId: properties.messageId },
      'a part of the message must be dead-lettered and there is no dead queue; the whole message is dead-lettered',
    );
    return 'reject';
  }
  const deadLetteredAt = new Date().toISOString();
  const copies = parts.map((part) => {
    if (part.outcome === 'retry' && !tooOften(part)) {
      return copy(part, { [FAILURES_HEADER]: failures }, options.queue);
    }
    const reason = part.outcome === 'reject' ? part.reason : `failed ${failures} times: ${part.reason}`;
    if (part.outcome === 'retry') {
      options.log.warn({ messageId: part.messageId, failures }, 'part failed too often; dead-lettered');
    }
    // Straight into the dead queue (default exchange): the copy does not depend on the bindings.
    return copy(part, { [reasonHeader]: reason, [timeHeader]: deadLetteredAt }, deadQueue as string);
  });
  try {
    await publishAll(item.channel, copies);
    return 'ack';
  } catch (err) {
    options.log.warn(
      { err, messageId: properties.messageId, parts: parts.length },
      'parts of a split message not confirmed; the message is returned to the queue',
    );
    return 'return';
  }
}
