import type { Logger } from '@skico/log';
import { activeTracer, context } from '@skico/tracing';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { AmqpConnection } from './connection.ts';
import { startBatchSpans } from './consumer-tracing.ts';
import type { Delivery, Outcome } from './delivery.ts';
import { countFailure, failuresOf } from './failure-count.ts';
import { isHoldBatch } from './hold-batch.ts';

/** What became of one batch, for metrics. */
export interface BatchReport {
  /** One outcome per delivery, in order. */
  outcomes: Outcome[];
  /** How long the handler took on the attempt that went through; absent when the batch went back unhandled. */
  durationMs?: number;
  /** Publish time of the batch's oldest message, when known: its age at settle time is the consumer's lag. */
  oldestPublishedAt?: number;
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
  /**
   * Processing failures ('retry') of one message before it is dead-lettered. The consumer counts them
   * itself: it publishes the message again with its count (confirmed) and acks the old copy, so that the
   * broker's delivery count, which also counts restarts and lost connections, is only a backstop.
   * Without it, a retry is a plain requeue.
   */
  maxFailures?: number;
  /** Told what became of every batch once it is settled (metrics); must not throw. */
  onBatch?: (report: BatchReport) => void;
}

/** The publish time of a message: the publisher's millisecond header, else the AMQP timestamp (seconds). */
function publishedAt(message: ConsumeMessage): number | undefined {
  const stamped = Number(message.properties.headers?.['x-published-at']);
  if (Number.isFinite(stamped) && stamped > 0) return stamped;
  const seconds = message.properties.timestamp as number | undefined;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

export interface BatchConsumer {
  /** True while deliveries are held because a dependency is down. */
  holding: () => boolean;
  /** Batches processed so far (for tests and metrics). */
  batches: () => number;
  /** Stops consuming, writes the deliveries in hand within the grace period, returns the rest to the queue, closes. */
  stop: (graceMs: number) => Promise<void>;
}

/** The request ids a batch's messages carry (the API's `x-request-id` header), at most 20, for its log lines. */
export function requestIdsOf(deliveries: Delivery[], limit = 20): string[] {
  const ids: string[] = [];
  for (const d of deliveries) {
    const id = d.headers['x-request-id'];
    if (typeof id === 'string') ids.push(id);
    if (ids.length >= limit) break;
  }
  return ids;
}

/** The header that carries a message's processing failures so far. */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Consumes a queue in batches (by count or linger) with manual acks after the handler returns. While a
 * batch is held (HoldBatch), the consumer is cancelled so nothing more arrives, and it resumes once the
 * batch went through: messages are not bounced through redeliveries into the dead-letter queue.
 */
export function createBatchConsumer(options: BatchConsumerOptions): BatchConsumer {
  const { log } = options;
  // Decided once: with tracing off, a batch costs no span and no context switch.
  const tracer = activeTracer();
  let channel: ConfirmChannel | undefined;
  let consumerTag: string | undefined;
  let buffer: { channel: ConfirmChannel; message: ConsumeMessage }[] = [];
  let linger: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let holding = false;
  let stopping = false;
  let processed = 0;

  const startConsuming = async (ch: ConfirmChannel) => {
    const { consumerTag: tag } = await ch.consume(options.queue, (message) => {
      if (!message) return;
      buffer.push({ channel: ch, message });
      if (buffer.length >= options.batchSize) flush();
      else linger ??= setTimeout(flush, options.lingerMs);
    });
    consumerTag = tag;
  };

  options.connection.onConnect(async (conn) => {
    const ch = await conn.createConfirmChannel();
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

  /** `upTo`: an ack that settles every earlier unsettled delivery of the channel too (AMQP `multiple`). */
  const settle = (
    item: { channel: ConfirmChannel; message: ConsumeMessage },
    outcome: Outcome | 'return',
    upTo = false,
  ) => {
    try {
      if (outcome === 'ack') item.channel.ack(item.message, upTo);
      else item.channel.nack(item.message, false, outcome !== 'reject');
    } catch (err) {
      // The channel closed: the broker redelivers the message, and the natural key keeps the effect single.
      log.debug({ err }, 'settle failed');
    }
  };

  /**
   * Settles a batch. A batch acked whole on one channel takes one ack with `multiple`: batches run one at a
   * time in delivery order, so every earlier delivery of that channel is settled already, and the broker
   * is spared a frame per message.
   */
  const settleAll = async (batch: { channel: ConfirmChannel; message: ConsumeMessage }[], outcomes: Outcome[]) => {
    const last = batch.at(-1);
    if (last && outcomes.every((o) => o === 'ack') && batch.every((item) => item.channel === last.channel)) {
      settle(last, 'ack', true);
      return;
    }
    for (const [i, item] of batch.entries()) {
      const outcome = outcomes[i] as Outcome;
      settle(item, outcome === 'retry' ? await countFailure(item, options) : outcome);
    }
  };

  const runBatch = async (batch: { channel: ConfirmChannel; message: ConsumeMessage }[]) => {
    const deliveries: Delivery[] = batch.map(({ message }) => ({
      body: message.content,
      messageId: message.properties.messageId as string | undefined,
      headers: (message.properties.headers ?? {}) as Record<string, unknown>,
      deliveryCount: Number(message.properties.headers?.['x-delivery-count'] ?? 0),
      failures: failuresOf(message),
      publishedAt: publishedAt(message),
    }));
    const spans = tracer ? startBatchSpans(tracer, options.queue, deliveries) : undefined;
    const handle = spans ? () => context.with(spans.context, options.handle, undefined, deliveries) : undefined;
    // Called exactly once per batch, whichever way it ends.
    const report = (outcomes: Outcome[], durationMs?: number) => {
      spans?.end(outcomes);
      const stamps = deliveries.flatMap((d) => (d.publishedAt === undefined ? [] : [d.publishedAt]));
      options.onBatch?.({
        outcomes,
        durationMs,
        oldestPublishedAt: stamps.length > 0 ? Math.min(...stamps) : undefined,
      });
    };
    // Returned unprocessed (stopping while held): not a processing failure.
    const requeue = () => {
      for (const item of batch) settle(item, 'return');
      report(batch.map(() => 'retry'));
    };
    // Stopping while a dependency is down: the batches still queued behind the held one go back at once,
    // instead of each costing one more failed attempt out of the grace period.
    if (stopping && holding) {
      requeue();
      return;
    }
    for (;;) {
      const attempt = performance.now();
      try {
        const handled = await (handle ? handle() : options.handle(deliveries));
        const outcomes = batch.map((_, i) => handled[i] ?? 'retry');
        await settleAll(batch, outcomes);
        processed += 1;
        report(outcomes, performance.now() - attempt);
        break;
      } catch (err) {
        if (!isHoldBatch(err)) {
          log.error({ err, requestIds: requestIdsOf(deliveries) }, 'batch handler failed; each message failed once');
          const outcomes = batch.map((): Outcome => 'retry');
          await settleAll(batch, outcomes);
          report(outcomes);
          break;
        }
        if (!holding) {
          holding = true;
          log.warn(
            { err: err.message, batch: batch.length, requestIds: requestIdsOf(deliveries) },
            'holding batch; consumption paused',
          );
          if (channel && consumerTag) await channel.cancel(consumerTag).catch(() => undefined);
          consumerTag = undefined;
        }
        if (stopping) {
          requeue();
          break;
        }
        await sleep(options.holdRetryMs);
      }
    }
    // While stopping, holding stays set: the batches behind this one are returned without an attempt.
    if (holding && !stopping) {
      holding = false;
      log.info('batch went through; consumption resumed');
      if (channel) await startConsuming(channel).catch((err) => log.warn({ err }, 'resume failed'));
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
      // Everything delivered so far (bounded by the prefetch) is written before the channel closes: a
      // message returned instead would count towards its delivery limit. A single flush() would leave the
      // rest to a linger timer that fires after the channel is gone.
      while (buffer.length > 0) flush();
      await Promise.race([running, sleep(graceMs)]);
      // Whatever is still unsettled returns to the queue when the channel closes.
      await channel?.close().catch(() => undefined);
    },
  };
}
