import type { Logger } from '@skico/log';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Verdict } from './delivery.ts';

/** The header that carries a message's processing failures so far. */
export const FAILURES_HEADER = 'skico-failures';

/** How many times processing a message failed before this delivery. */
export const failuresOf = (message: ConsumeMessage) => Number(message.properties.headers?.[FAILURES_HEADER] ?? 0);

/**
 * A message whose processing failed: published again with its failure count and then acked, or
 * dead-lettered (rejected) once it failed more than maxFailures times. When the new copy is not
 * confirmed, the message is returned to the queue instead (the broker's count is the backstop).
 */
export async function countFailure(
  item: { channel: ConfirmChannel; message: ConsumeMessage },
  options: { queue: string; maxFailures?: number; log: Logger },
): Promise<Verdict | 'return'> {
  if (options.maxFailures === undefined) return 'return';
  const { properties, content } = item.message;
  const { 'x-delivery-count': _count, ...headers } = (properties.headers ?? {}) as Record<string, unknown>;
  const failures = (Number(headers[FAILURES_HEADER]) || 0) + 1;
  if (failures > options.maxFailures) {
    options.log.warn({ messageId: properties.messageId, failures }, 'message failed too often; dead-lettered');
    return 'reject';
  }
  try {
    await new Promise<void>((resolve, reject) => {
      // Straight to the queue (default exchange): the copy does not depend on the bindings.
      item.channel.publish(
        '',
        options.queue,
        content,
        {
          persistent: true,
          contentType: properties.contentType as string | undefined,
          messageId: properties.messageId as string | undefined,
          timestamp: properties.timestamp as number | undefined,
          type: properties.type as string | undefined,
          headers: { ...headers, [FAILURES_HEADER]: failures },
        },
        (err) => (err ? reject(err) : resolve()),
      );
    });
    return 'ack';
  } catch (err) {
    options.log.warn(
      { err, messageId: properties.messageId },
      'failed message not published again; returned to the queue',
    );
    return 'return';
  }
}
