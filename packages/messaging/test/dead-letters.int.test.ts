import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listDeadLetters, redriveDeadLetters } from '../src/dead-letters.ts';
import { persistQueueArguments, type QueueTopology } from '../src/topology.ts';
import { adminConnection, removeTopology, testTopology, until } from './broker-kit.ts';

let admin: ChannelModel;
let channel: ConfirmChannel;
let topology: QueueTopology;
const ids = ['dead-1', 'dead-2', 'dead-3'];

beforeAll(async () => {
  admin = await adminConnection();
});
afterEach(async () => {
  await channel?.close().catch(() => undefined);
  if (topology) await removeTopology(admin, topology);
});
afterAll(async () => {
  await admin?.close();
});

const deadDepth = async () => (await channel.checkQueue(topology.deadQueue)).messageCount;

/** The lift-ride topology, with the dead queue's arguments as given (the kit declares it without any). */
async function declareWithDeadQueue(deadQueueArguments: Record<string, unknown>) {
  await channel.assertExchange(topology.exchange, 'direct', { durable: true });
  await channel.assertExchange(topology.deadExchange, 'direct', { durable: true });
  await channel.assertQueue(topology.deadQueue, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', ...deadQueueArguments },
  });
  await channel.bindQueue(topology.deadQueue, topology.deadExchange, topology.routingKey);
  const args = persistQueueArguments(topology, { deliveryLimit: 5, maxLength: 1_000 });
  await channel.assertQueue(topology.queue, { durable: true, arguments: args });
  await channel.bindQueue(topology.queue, topology.exchange, topology.routingKey);
}

/** Publishes the messages to the persist queue and rejects them there, so that the broker dead-letters them. */
async function deadLetter() {
  for (const id of ids)
    channel.publish(topology.exchange, topology.routingKey, Buffer.from(`{"id":"${id}"}`), {
      messageId: id,
      persistent: true,
    });
  await channel.waitForConfirms();
  for (const _ of ids) {
    let message: Awaited<ReturnType<ConfirmChannel['get']>> = false;
    await until(async () => {
      message = await channel.get(topology.queue, { noAck: false });
      return message !== false;
    }, 'a message to reject');
    if (message) channel.nack(message, false, false);
  }
  await until(async () => (await deadDepth()) === ids.length, 'the rejected messages in the dead queue');
}

/** Takes every dead letter off the queue and returns the counters that a delivery limit is compared with. */
async function drainCounts() {
  const counts: Record<string, unknown> = {};
  for (;;) {
    const message = await channel.get(topology.deadQueue, { noAck: true });
    if (!message) return counts;
    const headers = message.properties.headers ?? {};
    counts[String(message.properties.messageId)] = {
      delivery: headers['x-delivery-count'] ?? 0,
      acquired: headers['x-acquired-count'] ?? 0,
    };
  }
}

describe('listing dead letters', () => {
  it.each([
    ['as the lift-ride topology declares it (x-delivery-count, 3.x)', {}],
    // RabbitMQ 4 gives every quorum queue a delivery limit of 20; past it, a message with nowhere to go is dropped.
    ['with the delivery limit of 20 that RabbitMQ 4 gives quorum queues', { 'x-delivery-limit': 20 }],
  ])(
    'when dead letters are listed 25 times, with the dead queue %s, then their delivery counts are unchanged and none leaves the dead queue',
    async (_, deadQueueArguments) => {
      topology = testTopology('dead-list');
      channel = await admin.createConfirmChannel();
      await declareWithDeadQueue(deadQueueArguments);
      await deadLetter();

      for (let i = 0; i < 25; i++) {
        const letters = await listDeadLetters(channel, topology, 10);
        expect(letters.map((l) => l.messageId).sort(), `listing ${i + 1}`).toEqual(ids);
        expect(letters.every((l) => l.reason === 'rejected')).toBe(true);
      }
      expect(await deadDepth()).toBe(ids.length);
      expect(await drainCounts()).toEqual(Object.fromEntries(ids.map((id) => [id, { delivery: 0, acquired: 0 }])));
    },
  );
});

describe('redriving dead letters', () => {
  it('when the persist queue is not bound to the exchange, then redrive stops with an error and the dead letter stays', async () => {
    topology = testTopology('dead-redrive');
    channel = await admin.createConfirmChannel();
    channel.on('error', () => undefined);
    await declareWithDeadQueue({});
    await deadLetter();
    await channel.unbindQueue(topology.queue, topology.exchange, topology.routingKey);

    await expect(redriveDeadLetters(channel, topology, 10)).rejects.toThrow(/no queue/);
    await until(async () => (await deadDepth()) === ids.length, 'every dead letter still in the dead queue');

    await channel.bindQueue(topology.queue, topology.exchange, topology.routingKey);
    expect(await redriveDeadLetters(channel, topology, 10)).toBe(ids.length);
    expect(await deadDepth()).toBe(0);
    await until(
      async () => (await channel.checkQueue(topology.queue)).messageCount === ids.length,
      'the redriven messages queued',
    );
  });
});
