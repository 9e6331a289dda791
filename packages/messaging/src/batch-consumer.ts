import type { Logger } from '@skico/log';
import type { Channel, ConsumeMessage } from 'amqplib';
import type { AmqpConnection } from './connection.ts';

/** What a handler decides for one message; only this adapter turns it into ack or nack. */
export type Outcome = 'ack' | 'retry' | 'reject';

export interface Delivery {
  body: Buffer;
  messageId: string | undefined;
  headers: Record<string, unknown>;
  /** How many times the broker delivered it before (quorum queues count returns). */
  deliveryCount: number;
}

const brand = Symbol.for('skico.HoldBatch');

/** Thrown by a handler when a dependency is down: the batch is kept and retried, consumption pauses. */
export class HoldBatch extends Error {
  readonly [brand] = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HoldBatch';
  }
}

export function isHoldBatch(e: unknown): e is HoldBatch {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

export interface BatchConsumerOptions {
  connection: AmqpConnection;
  queue: string;
  /** Unacknowledged deliveries the broker may send ahead: at least two batches. */
  prefetch: number;
  batchSize: number;
  /** How long a partial batch waits for more deliveries. */
  lingerMs: number;
  /** Backoff between attempts of a held batch. */
  holdRetryMs: number;
  log: Logger;
  /** One outcome per delivery, in order. Throws HoldBatch to keep the batch while a dependency is down. */
  handle: (batch: Delivery[]) => Promise<Outcome[]>;
}

export interface BatchConsumer {
  /** True while deliveries are held because a dependency is down. */
  holding: () => boolean;
  /** Batches processed so far (for tests and metrics). */
  batches: () => number;
  /** Stops consuming, finishes the batch in hand, returns undelivered ones to the queue, closes. */
  stop: (graceMs: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Consumes a queue in batches (by count or linger) with manual acks after the handler returns. While a
 * batch is held (HoldBatch), the consumer is cancelled so nothing more arrives, and it resumes once the
 * batch went through: messages are not bounced through redeliveries into the dead-letter queue.
 */
export function createBatchConsumer(options: BatchConsumerOptions): BatchConsumer {
  const { log } = options;
  let channel: Channel | undefined;
  let consumerTag: string | undefined;
  let buffer: { channel: Channel; message: ConsumeMessage }[] = [];
  let linger: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let holding = false;
  let stopping = false;
  let processed = 0;

  const startConsuming = async (ch: Channel) => {
    const { consumerTag: tag } = await ch.consume(options.queue, (message) => {
      if (!message) return;
      buffer.push({ channel: ch, message });
      if (buffer.length >= options.batchSize) flush();
      else linger ??= setTimeout(flush, options.lingerMs);
    });
    consumerTag = tag;
  };

  options.connection.onConnect(async (conn) => {
    const ch = await conn.createChannel();
    ch.on('error', () => undefined);
    ch.once('close', () => {
      if (channel === ch) channel = undefined;
    });
    await ch.prefetch(options.prefetch);
    channel = ch;
    // Deliveries of a lost channel are redelivered by the broker; drop our copies.
    buffer = buffer.filter((b) => b.channel === ch);
    if (!stopping && !holding) await startConsuming(ch);
  });

  const settle = (item: { channel: Channel; message: ConsumeMessage }, outcome: Outcome) => {
    try {
      if (outcome === 'ack') item.channel.ack(item.message);
      else item.channel.nack(item.message, false, outcome === 'retry');
    } catch (err) {
      // The channel closed: the broker redelivers the message, and the natural key keeps the effect single.
      log.debug({ err }, 'settle failed');
    }
  };

  const runBatch = async (batch: { channel: Channel; message: ConsumeMessage }[]) => {
    const deliveries: Delivery[] = batch.map(({ message }) => ({
      body: message.content,
      messageId: message.properties.messageId as string | undefined,
      headers: (message.properties.headers ?? {}) as Record<string, unknown>,
      deliveryCount: Number(message.properties.headers?.['x-delivery-count'] ?? 0),
    }));
    for (;;) {
      try {
        const outcomes = await options.handle(deliveries);
        for (const [i, item] of batch.entries()) settle(item, outcomes[i] ?? 'retry');
        processed += 1;
        break;
      } catch (err) {
        if (!isHoldBatch(err)) {
          log.error({ err }, 'batch handler failed; messages return to the queue');
          for (const item of batch) settle(item, 'retry');
          break;
        }
        if (!holding) {
          holding = true;
          log.warn({ err: err.message, batch: batch.length }, 'holding batch; consumption paused');
          if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
          consumerTag = undefined;
        }
        if (stopping) {
          for (const item of batch) settle(item, 'retry');
          break;
        }
        await sleep(options.holdRetryMs);
      }
    }
    if (holding) {
      holding = false;
      log.info('batch went through; consumption resumed');
      if (channel && !stopping) await startConsuming(channel).catch((err) => log.warn({ err }, 'resume failed'));
    }
  };

  function flush() {
    clearTimeout(linger);
    linger = undefined;
    if (buffer.length === 0) return;
    const batch = buffer.splice(0, options.batchSize);
    running = running.then(() => runBatch(batch));
    if (buffer.length > 0) linger = setTimeout(flush, options.lingerMs);
  }

  return {
    holding: () => holding,
    batches: () => processed,
    stop: async (graceMs) => {
      stopping = true;
      if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
      flush();
      await Promise.race([running, sleep(graceMs)]);
      // Whatever is still unsettled returns to the queue when the channel closes.
      await channel?.close().catch(() => undefined);
    },
  };
}
