import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BatchConsumer, type BatchReport, createBatchConsumer } from '../src/batch-consumer.ts';
import { type AmqpConnection, createAmqpConnection } from '../src/connection.ts';
import { listDeadLetters } from '../src/dead-letters.ts';
import type { Delivery, Outcome } from '../src/delivery.ts';
import { declareQueueTopology, type QueueTopology } from '../src/topology.ts';
import { adminConnection, amqpUrl, removeTopology, silentLog, testTopology, until } from './broker-kit.ts';

const MAX_FAILURES = 3;
let admin: ChannelModel;
let channel: ConfirmChannel;
let topology: QueueTopology;
let connection: AmqpConnection;
let consumer: BatchConsumer;
let seen: Delivery[];
let reports: BatchReport[];

beforeAll(async () => {
  admin = await adminConnection();
});
afterEach(async () => {
  await consumer?.stop(1_000);
  await connection?.close();
  await channel?.close().catch(() => undefined);
  if (topology) await removeTopology(admin, topology);
});
afterAll(async () => {
  await admin?.close();
});

/** A consumer of a topology of the test's own whose handler decides with `decide`, recording what it saw. */
async function start(
  label: string,
  decide: (delivery: Delivery) => Outcome | Promise<Outcome>,
  sizes: { batchSize: number; lingerMs: number } = { batchSize: 10, lingerMs: 10 },
) {
  topology = testTopology(label);
  seen = [];
  reports = [];
  channel = await admin.createConfirmChannel();
  channel.on('error', () => undefined);
  await declareQueueTopology(channel, topology, { deliveryLimit: MAX_FAILURES, maxLength: 1_000 });
  connection = createAmqpConnection({ url: amqpUrl, log: silentLog, name: `test-${label}` });
  consumer = createBatchConsumer({
    connection,
    queue: topology.queue,
    deadQueue: topology.deadQueue,
    prefetch: 20,
    ...sizes,
    holdRetryMs: 50,
    maxFailures: MAX_FAILURES,
    weightOf: (headers) => Number(headers.items),
    log: silentLog,
    handle: async (batch) => {
      seen.push(...batch);
      return Promise.all(batch.map(decide));
    },
    onBatch: (report) => reports.push(report),
  });
  await connection.ready(5_000);
}

async function publish(messageId: string, headers: Record<string, unknown> = {}) {
  channel.publish(topology.exchange, topology.routingKey, Buffer.from(messageId), {
    messageId,
    persistent: true,
    headers,
  });
  await channel.waitForConfirms();
}

const depth = async (queue: string) => (await channel.checkQueue(queue)).messageCount;
const seenIds = () => seen.map((d) => d.messageId);
const part = (messageId: string, outcome: 'retry' | 'reject', reason: string) => ({
  body: Buffer.from(messageId),
  messageId,
  outcome,
  reason,
  headers: { items: 1, part: true },
});

describe('a split delivery', () => {
  it('when a message is split, then its retry part comes back with its failure count, its reject part is dead-lettered with the reason, and the original is acked', async () => {
    await start('split', (d) =>
      d.messageId === 'whole'
        ? { split: [part('whole#2', 'retry', 'a statement failed'), part('whole#3', 'reject', 'time: too big')] }
        : 'ack',
    );
    await publish('whole', { items: 3, 'skico-failures': 1, 'x-request-id': 'r-1' });

    await until(() => seenIds().includes('whole#2'), 'the retried part delivered');
    const retried = seen.find((d) => d.messageId === 'whole#2');
    expect(retried?.body.toString()).toBe('whole#2');
    // Counted like a failed message: the original's failures + 1, its own headers over the original's.
    expect(retried?.failures).toBe(2);
    expect(retried?.headers).toMatchObject({ items: 1, part: true, 'x-request-id': 'r-1' });

    await until(async () => (await depth(topology.deadQueue)) === 1, 'the rejected part in the dead queue');
    const letters = await listDeadLetters(channel, topology, 10);
    expect(letters).toEqual([
      expect.objectContaining({ messageId: 'whole#3', reason: 'time: too big', body: 'whole#3' }),
    ]);
    expect(Date.parse(letters[0]?.deadLetteredAt ?? '')).toBeGreaterThan(Date.now() - 60_000);

    await until(async () => (await depth(topology.queue)) === 0, 'the persist queue empty');
    expect(seenIds().filter((id) => id === 'whole')).toHaveLength(1);
    const splitReport = reports.find((r) => r.outcomes[0] === 'split');
    expect(splitReport).toMatchObject({ outcomes: ['split'], parts: { retried: 1, rejected: 1 }, weight: 3 });
  });

  it('when a retry part would fail once more than the limit allows, then it goes to the dead queue instead', async () => {
    await start('split-limit', (d) =>
      d.messageId === 'tired' ? { split: [part('tired#1', 'retry', 'a statement failed')] } : 'ack',
    );
    await publish('tired', { items: 2, 'skico-failures': MAX_FAILURES });

    await until(async () => (await depth(topology.deadQueue)) === 1, 'the part in the dead queue');
    const [letter] = await listDeadLetters(channel, topology, 10);
    expect(letter).toMatchObject({
      messageId: 'tired#1',
      reason: `failed ${MAX_FAILURES + 1} times: a statement failed`,
    });
    expect(seenIds()).toEqual(['tired']);
  });

  it('when a copy is not confirmed into a queue, then the original is not acked but delivered again, and acked once the copies are', async () => {
    let attempts = 0;
    await start('split-unconfirmed', async (d) => {
      if (d.messageId !== 'whole') return 'ack';
      attempts += 1;
      // The dead queue is back for the second attempt.
      if (attempts === 2)
        await channel.assertQueue(topology.deadQueue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      return { split: [part('whole#1', 'reject', 'invalid')] };
    });
    // The reject part has nowhere to go: its copy is returned unroutable, never confirmed into a queue.
    await channel.deleteQueue(topology.deadQueue);
    await publish('whole', { items: 2 });

    await until(() => attempts === 2, 'the original delivered again');
    await until(async () => (await depth(topology.deadQueue)) === 1, 'the part in the dead queue');
    await until(async () => (await depth(topology.queue)) === 0, 'the original acked');
    expect(seenIds()).toEqual(['whole', 'whole']);
    const [letter] = await listDeadLetters(channel, topology, 10);
    expect(letter).toMatchObject({ messageId: 'whole#1', reason: 'invalid' });
  });
});

describe('batches by weight', () => {
  it('when messages weigh more than one, then a batch holds no more weight than the batch size, and a heavy message goes alone', async () => {
    await start('weight', () => 'ack', { batchSize: 6, lingerMs: 300 });
    for (const [i, items] of [3, 3, 3, 3, 9, 2].entries()) {
      channel.publish(topology.exchange, topology.routingKey, Buffer.from(String(i)), {
        messageId: `m-${i}`,
        persistent: true,
        headers: { items },
      });
    }
    await channel.waitForConfirms();

    await until(() => seen.length === 6, 'every message handled');
    expect(reports.map((r) => r.weight)).toEqual([6, 6, 9, 2]);
    expect(reports.map((r) => r.outcomes.length)).toEqual([2, 2, 1, 1]);
  });
});
