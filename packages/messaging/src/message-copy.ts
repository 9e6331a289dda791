import type { ConfirmChannel, Message, Options } from 'amqplib';

// The death facts again under names of our own: from RabbitMQ 3.13 on, `x-` headers belong to the broker,
// and one that a client publishes is not guaranteed to be read back as the broker wrote it.
export const reasonHeader = 'dead-letter-reason';
export const timeHeader = 'dead-lettered-at';

// What the broker counts or records per message: a copy starts its own.
const brokerHeaders = new Set(['x-delivery-count', 'x-acquired-count', 'x-death']);
const brokerPrefixes = ['x-first-death-', 'x-last-death-'];

/** A message's headers without those the broker keeps (counts and deaths), for a copy of it. */
export function ownHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(
      ([name]) => !brokerHeaders.has(name) && !brokerPrefixes.some((prefix) => name.startsWith(prefix)),
    ),
  );
}

/** The properties of a message for a copy of it: the same content, persistent, with the headers given. */
export function copyOf(message: Message, headers: Record<string, unknown>): Options.Publish {
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

export interface Outgoing {
  exchange: string;
  routingKey: string;
  content: Buffer;
  options: Options.Publish;
}

/**
 * Publishes each message on the confirm channel (mandatory) and resolves once all are confirmed into a
 * queue. The caller publishes nothing else on the channel meanwhile: a return is counted channel-wide.
 * @throws when one is nacked, returned as unroutable, or the channel closes.
 */
export async function publishAll(channel: ConfirmChannel, messages: Outgoing[]) {
  let returned = 0;
  const onReturn = () => {
    returned += 1;
  };
  channel.on('return', onReturn);
  try {
    for (const m of messages) channel.publish(m.exchange, m.routingKey, m.content, { ...m.options, mandatory: true });
    await channel.waitForConfirms();
  } finally {
    channel.off('return', onReturn);
  }
  if (returned > 0) throw new Error(`${returned} message(s) reached no queue`);
}
