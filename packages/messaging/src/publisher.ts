import {
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_RABBITMQ_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM,
  activeTracer,
  inChildSpan,
  injectContext,
  SpanKind,
} from '@skico/tracing';
import type { ConfirmChannel } from 'amqplib';
import type { AmqpConnection } from './connection.ts';

const brand = Symbol.for('skico.PublishFailed');

export type PublishFailure = 'not-connected' | 'nacked' | 'channel-closed' | 'timeout';

/** The broker did not confirm a message: it may or may not have it, so the caller must not assume it. */
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
}

export interface Publisher {
  /**
   * Publishes a persistent message on a confirm channel and resolves once the broker confirmed it.
   * @throws PublishFailed when not connected, nacked (e.g. the queue is full), the channel closed, or the
   * confirm did not come in time.
   */
  publish: (body: unknown, options: PublishOptions) => Promise<void>;
  connected: () => boolean;
}

/** A confirm-channel publisher to one exchange and routing key, re-opened on every reconnection. */
export function createPublisher(
  connection: AmqpConnection,
  target: { exchange: string; routingKey: string },
): Publisher {
  let channel: ConfirmChannel | undefined;

  connection.onConnect(async (conn) => {
    const opened = await conn.createConfirmChannel();
    opened.on('error', () => undefined);
    opened.once('close', () => {
      if (channel === opened) channel = undefined;
    });
    channel = opened;
  });

  const send = (body: unknown, options: PublishOptions) => {
    const open = channel;
    if (!open) return Promise.reject(new PublishFailed('not-connected'));
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new PublishFailed('timeout')), options.timeoutMs);
      try {
        open.publish(
          target.exchange,
          target.routingKey,
          Buffer.from(JSON.stringify(body)),
          {
            persistent: true,
            contentType: 'application/json',
            messageId: options.messageId,
            timestamp: Math.floor(Date.now() / 1000),
            // Milliseconds, which the AMQP timestamp (seconds) cannot carry: the consumer's lag metric.
            headers: { ...options.headers, 'x-published-at': Date.now() },
          },
          (err) => {
            clearTimeout(timer);
            if (!err) resolve();
            else
              reject(new PublishFailed(/nack/.test(String(err.message)) ? 'nacked' : 'channel-closed', { cause: err }));
          },
        );
      } catch (cause) {
        clearTimeout(timer);
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
    connected: () => channel !== undefined,
    // Within a trace: a producer span until the broker confirms, whose context travels in the message
    // headers (next to x-request-id), so that the consumer's span for the message becomes its child.
    publish: tracer
      ? (body, options) =>
          inChildSpan(
            tracer,
            `publish ${target.exchange}`,
            {
              kind: SpanKind.PRODUCER,
              attributes: { ...attributes, [ATTR_MESSAGING_MESSAGE_ID]: options.messageId },
              errorType: (err) => (isPublishFailed(err) ? err.reason : undefined),
            },
            (span, ctx) =>
              send(body, span ? { ...options, headers: injectContext({ ...options.headers }, ctx) } : options),
          )
      : send,
  };
}
