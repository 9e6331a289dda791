import type { Logger } from '@skico/log';
import { activeTracer, context } from '@skico/tracing';
import type { ConfirmChannel } from 'amqplib';
import { batchLength, publishedAt, requestIdsOf, weigh } from './batching.ts';
import type { AmqpConnection } from './connection.ts';
import { startBatchSpans } from './consumer-tracing.ts';
import { type Delivery, type Outcome, type OutcomeName, outcomeName } from './delivery.ts';
import { failuresOf } from './failure-count.ts';
import { isHoldBatch } from './hold-batch.ts';
import { type Held, settle, settleAll } from './settle.ts';

/** What became of one batch, for metrics. */
export interface BatchReport {
  /** One outcome per delivery, in order: what the handler decided (a split message is acked). */
  outcomes: OutcomeName[];
  /** Parts of split messages that went on as messages of their own: tried again, or dead-lettered. */
  parts: { retried: number; rejected: number };
  /** The batch's weight (weightOf summed: one per message unless told otherwise). */
  weight: number;
  /**
   * Deliveries of the batch that the broker had given out before (its redelivered flag): a consumer lost
   * them with its channel or connection, or they were returned.
   */
  redelivered: number;
  /** How long the handler took on the attempt that went through; absent when the batch went back unhandled. */
  durationMs?: number;
  /** Publish time of the batch's oldest message, when known: its age at settle time is the consumer's lag. */
  oldestPublishedAt?: number;
}

export interface BatchConsumerOptions {
  connection: AmqpConnection;
  queue: string;
  /**
   * Unacknowledged deliveries the broker may send ahead; it bounds the consumer's memory. Once that many
   * are in hand, nothing more can come, so a partial batch leaves without waiting for the linger.
   */
  prefetch: number;
  /** The weight of one batch at most; a single message heavier than that forms a batch of its own. */
  batchSize: number;
  /**
   * The weight of one message, from its headers (say, the items it carries): batches are bounded by
   * weight, not by messages. One per message by default; a value that is not a number ≥ 1 counts 1.
   */
  weightOf?: (headers: Record<string, unknown>) => number;
  /** How long a partial batch waits for more deliveries. */
  lingerMs: number;
  /** Backoff between attempts of a held batch. */
  holdRetryMs: number;
  log: Logger;
  /**
   * One outcome per delivery, in order: ack, retry, reject, or a split into parts that go on as messages
   * of their own. Throws HoldBatch to keep the batch while a dependency is down.
   */
  handle: (batch: Delivery[]) => Promise<Outcome[]>;
  /**
   * Processing failures ('retry') of one message before it is dead-lettered. The consumer counts them
   * itself: it publishes the message again with its count (confirmed) and acks the old copy, so that the
   * broker's delivery count, which also counts restarts and lost connections, is only a backstop.
   * Without it, a retry is a plain requeue.
   */
  maxFailures?: number;
  /** The dead-letter queue, where the consumer puts the parts of a split message that are refused. */
  deadQueue?: string;
  /** Told what became of every batch once it is settled (metrics); must not throw. */
  onBatch?: (report: BatchReport) => void;
}

export interface BatchConsumer {
  /** True while deliveries are held because a dependency is down. */
  holding: () => boolean;
  /** Batches processed so far (for tests and metrics). */
  batches: () => number;
  /** Stops consuming, writes the deliveries in hand within the grace period, returns the rest to the queue, closes. */
  stop: (graceMs: number) => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Consumes a queue in batches (by weight or linger) with manual acks after the handler returns. While a
 * batch is held (HoldBatch), the consumer is cancelled so nothing more arrives, and it resumes once the
 * batch went through: messages are not bounced through redeliveries into the dead-letter queue.
 */
export function createBatchConsumer(options: BatchConsumerOptions): BatchConsumer {
  const { log } = options;
  // Decided once: with tracing off, a batch costs no span and no context switch.
  const tracer = activeTracer();
  let channel: ConfirmChannel | undefined;
  let consumerTag: string | undefined;
  let buffer: Held[] = [];
  let buffered = 0;
  // Taken out of the buffer and not yet settled: with the buffer, what the prefetch bounds.
  let inHand = 0;
  let linger: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let holding = false;
  let stopping = false;
  let processed = 0;

  const startConsuming = async (ch: ConfirmChannel) => {
    const { consumerTag: tag } = await ch.consume(options.queue, (message) => {
      if (!message) return;
      const weight = weigh(options.weightOf, message);
      buffer.push({ channel: ch, message, weight });
      buffered += weight;
      if (buffered >= options.batchSize || buffer.length + inHand >= options.prefetch) flush();
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
    buffered = buffer.reduce((sum, b) => sum + b.weight, 0);
    if (!stopping && !holding) await startConsuming(ch);
  });

  const runBatch = async (batch: Held[]) => {
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
      inHand -= batch.length;
      spans?.end(outcomes);
      const stamps = deliveries.flatMap((d) => (d.publishedAt === undefined ? [] : [d.publishedAt]));
      const parts = { retried: 0, rejected: 0 };
      for (const o of outcomes) {
        if (typeof o === 'string') continue;
        for (const part of o.split) parts[part.outcome === 'retry' ? 'retried' : 'rejected'] += 1;
      }
      options.onBatch?.({
        outcomes: outcomes.map(outcomeName),
        parts,
        weight: batch.reduce((sum, item) => sum + item.weight, 0),
        redelivered: batch.filter((item) => item.message.fields.redelivered).length,
        durationMs,
        oldestPublishedAt: stamps.length > 0 ? Math.min(...stamps) : undefined,
      });
    };
    // Returned unprocessed (stopping while held): not a processing failure.
    const requeue = () => {
      for (const item of batch) settle(item, 'return', log);
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
        const outcomes = batch.map((_, i): Outcome => handled[i] ?? 'retry');
        await settleAll(batch, outcomes, options);
        processed += 1;
        report(outcomes, performance.now() - attempt);
        break;
      } catch (err) {
        if (!isHoldBatch(err)) {
          log.error({ err, requestIds: requestIdsOf(deliveries) }, 'batch handler failed; each message failed once');
          const outcomes = batch.map((): Outcome => 'retry');
          await settleAll(batch, outcomes, options);
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

  /** Queues a batch, and more while what is left still weighs a batch or more. */
  function flush() {
    clearTimeout(linger);
    linger = undefined;
    do {
      if (buffer.length === 0) return;
      const batch = buffer.splice(
        0,
        batchLength(
          buffer.map((b) => b.weight),
          options.batchSize,
        ),
      );
      buffered -= batch.reduce((sum, b) => sum + b.weight, 0);
      inHand += batch.length;
      running = running.then(() => runBatch(batch));
    } while (buffered >= options.batchSize);
    linger = setTimeout(flush, options.lingerMs);
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
