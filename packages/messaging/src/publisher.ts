import type { Logger } from '@skico/log';
import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_RABBITMQ_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM,
  activeTracer,
  type Context,
  inChildSpan,
  injectContext,
  type Link,
  SpanKind,
  trace,
} from '@skico/tracing';
import type { ConfirmChannel, Message } from 'amqplib';
import type { AmqpConnection } from './connection.ts';
import { keepChannel } from './kept-channel.ts';

const brand = Symbol.for('skico.PublishFailed');

export type PublishFailure = 'not-connected' | 'nacked' | 'unroutable' | 'channel-closed' | 'timeout';

/**
 * The broker did not confirm a message into a queue: it may or may not have it (or, when `unroutable`, it
 * reached no queue at all), so the caller must not assume it.
 */
export class PublishFailed extends Error {
  readonly [brand] = true;
  readonly reason: PublishFailure;
  constructor(reason: PublishFailure, options?: { cause?: unknown }) {
    super(`publish failed: ${reason}`, options);
    this.name = 'PublishFailed';
    this.reason = reason;
  }
}

export function isPublishFailed(e: unknown): e is PublishFailed {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

export interface PublishOptions {
  /** The message id: the ride's natural key or the client's Idempotency-Key. */
  messageId: string;
  headers?: Record<string, unknown>;
  /** Give up waiting for the confirm after this long. */
  timeoutMs: number;
  /**
   * The trace contexts of the requests whose items this message carries (group commit): the producer span
   * links to each request's span, and each request's span links back to it.
   */
  carrying?: Context[];
}

/** The SDK keeps at most 128 links per span by default; more would only be dropped. */
const MAX_LINKS = 128;

function linksTo(contexts: Context[] | undefined): Link[] | undefined {
  if (!contexts || contexts.length === 0) return undefined;
  const links: Link[] = [];
  for (const ctx of contexts) {
    const spanContext = trace.getSpanContext(ctx);
    if (spanContext) links.push({ context: spanContext });
    if (links.length >= MAX_LINKS) break;
  }
  return links;
}

export interface Publisher {
  /**
   * Publishes a persistent, mandatory message on a confirm channel and resolves once the broker confirmed
   * it into a queue.
   * @throws PublishFailed when not connected, nacked (e.g. the queue is full), returned as unroutable (no
   * queue bound), the channel closed, or the confirm did not come in time.
   */
  publish: (body: unknown, options: PublishOptions) => Promise<void>;
  connected: () => boolean;
}

// Names each publish, so that a returned message is matched to its own publish whatever else is in flight.
const publishIdHeader = 'publish-id';

/**
 * A confirm-channel publisher to one exchange and routing key; its channel is opened on every reconnection
 * and reopened when a channel error closes it.
 */
export function createPublisher(
  connection: AmqpConnection,
  target: { exchange: string; routingKey: string },
  options: { log?: Logger } = {},
): Publisher {
  // A mandatory message that reaches no queue comes back as basic.return, which the broker sends before
  // the basic.ack of the same message: by the time its confirm callback runs, its id is in here.
  const returned = new Set<string>();
  let published = 0;
  const channel = keepChannel<ConfirmChannel>(connection, {
    name: 'publisher',
    log: options.log,
    open: async (conn) => {
      const opened = await conn.createConfirmChannel();
      opened.on('return', (message: Message) => {
        const id = message.properties.headers?.[publishIdHeader];
        if (typeof id === 'string') returned.add(id);
      });
      return opened;
    },
  });

  const send = (body: unknown, options: PublishOptions) => {
    const open = channel.current();
    if (!open) return Promise.reject(new PublishFailed('not-connected'));
    published += 1;
    const id = String(published);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PublishFailed('timeout')), options.timeoutMs);
      try {
        open.publish(
          target.exchange,
          target.routingKey,
          Buffer.from(JSON.stringify(body)),
          {
            persistent: true,
            mandatory: true,
            contentType: 'application/json',
            messageId: options.messageId,
            timestamp: Math.floor(Date.now() / 1000),
            // Milliseconds, which the AMQP timestamp (seconds) cannot carry: the consumer's lag metric.
            headers: { ...options.headers, 'x-published-at': Date.now(), [publishIdHeader]: id },
          },
          // Called once for every publish (ack, nack, or the channel closing), so the id always leaves the set.
          (err) => {
            clearTimeout(timer);
            const unroutable = returned.delete(id);
            if (err)
              reject(new PublishFailed(/nack/.test(String(err.message)) ? 'nacked' : 'channel-closed', { cause: err }));
            else if (unroutable) reject(new PublishFailed('unroutable'));
            else resolve();
          },
        );
      } catch (cause) {
        clearTimeout(timer);
        returned.delete(id);
        reject(new PublishFailed('channel-closed', { cause }));
      }
    });
  };

  // Decided once: with tracing off, publish is `send` itself.
  const tracer = activeTracer();
  const attributes = {
    [ATTR_MESSAGING_SYSTEM]: 'rabbitmq',
    [ATTR_MESSAGING_OPERATION_TYPE]: 'send',
    [ATTR_MESSAGING_DESTINATION_NAME]: target.exchange,
    [ATTR_MESSAGING_RABBITMQ_ROUTING_KEY]: target.routingKey,
  };
  return {
    connected: () => channel.current() !== undefined,
    // Within a trace: a producer span until the broker confirms, whose context travels in the message
    // headers (next to x-request-id), so that the consumer's span for the message becomes its child. A
    // message that carries the items of several requests is linked with each of them, both ways.
    publish: tracer
      ? (body, options) =>
          inChildSpan(
            tracer,
            `publish ${target.exchange}`,
            {
              kind: SpanKind.PRODUCER,
              attributes: { ...attributes, [ATTR_MESSAGING_MESSAGE_ID]: options.messageId },
              links: linksTo(options.carrying),
              errorType: (err) => (isPublishFailed(err) ? err.reason : undefined),
            },
            (span, ctx) => {
              if (!span) return send(body, options);
              const link = { context: span.spanContext() };
              for (const carried of options.carrying ?? []) trace.getSpan(carried)?.addLink(link);
              return send(body, { ...options, headers: injectContext({ ...options.headers }, ctx) });
            },
          )
      : send,
  };
}
