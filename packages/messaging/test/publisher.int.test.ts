import type { ChannelModel } from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpConnection, createAmqpConnection } from '../src/connection.ts';
import { createPublisher, isPublishFailed, type Publisher } from '../src/publisher.ts';
import { declareQueueTopology, type QueueTopology } from '../src/topology.ts';
import { adminConnection, amqpUrl, removeTopology, silentLog, testTopology, until } from './broker-kit.ts';

const limits = { deliveryLimit: 5, maxLength: 10_000 };
const ride = (n: number) => ({ type: 'test', n });

let admin: ChannelModel;
let topology: QueueTopology;
let connection: AmqpConnection;
let publisher: Publisher;

beforeAll(async () => {
  admin = await adminConnection();
});
afterAll(async () => {
  await admin?.close();
});

async function start(label: string) {
  topology = testTopology(label);
  connection = createAmqpConnection({ url: amqpUrl, log: silentLog, name: `test-${label}` });
  connection.onConnect(async (conn) => {
    const channel = await conn.createChannel();
    await declareQueueTopology(channel, topology, limits);
    await channel.close();
  });
  publisher = createPublisher(connection, topology);
  await connection.ready(5_000);
  await until(publisher.connected, 'the publisher channel');
}

afterEach(async () => {
  await connection?.close();
  if (topology) await removeTopology(admin, topology);
});

const depth = async (queue: string) => {
  const channel = await admin.createChannel();
  try {
    return (await channel.checkQueue(queue)).messageCount;
  } finally {
    await channel.close();
  }
};

describe('publishing to a queue that cannot take the message', () => {
  it('when the queue is no longer bound to the exchange, then every publish fails as unroutable instead of being confirmed', async () => {
    await start('unroutable');
    await publisher.publish(ride(0), { messageId: 'routed', timeoutMs: 5_000 });
    const channel = await admin.createChannel();
    await channel.unbindQueue(topology.queue, topology.exchange, topology.routingKey);
    await channel.close();

    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => publisher.publish(ride(i + 1), { messageId: `m${i}`, timeoutMs: 5_000 })),
    );
    const returned = outcomes.filter(
      (o) => o.status === 'rejected' && isPublishFailed(o.reason) && o.reason.reason === 'unroutable',
    );
    expect(returned.length).toBe(20);
    // Only the message published while the binding stood is in the queue.
    await until(async () => (await depth(topology.queue)) === 1, 'the routed message in the queue');

    // The binding back, publishes are confirmed again.
    const rebind = await admin.createChannel();
    await rebind.bindQueue(topology.queue, topology.exchange, topology.routingKey);
    await rebind.close();
    await publisher.publish(ride(99), { messageId: 'routed-again', timeoutMs: 5_000 });
    await until(async () => (await depth(topology.queue)) === 2, 'the second routed message in the queue');
  });

  it('when a channel error closes the publishing channel, then it is reopened on the same connection and publishing resumes', async () => {
    await start('reopen');
    await publisher.publish(ride(0), { messageId: 'first', timeoutMs: 5_000 });
    const before = connection.current();

    // Publishing to an exchange that no longer exists is a channel error (404): the broker closes the channel.
    const channel = await admin.createChannel();
    await channel.deleteExchange(topology.exchange);
    const failed = await publisher.publish(ride(1), { messageId: 'lost', timeoutMs: 5_000 }).catch((err) => err);
    expect(isPublishFailed(failed)).toBe(true);
    await channel.assertExchange(topology.exchange, 'direct', { durable: true });
    await channel.bindQueue(topology.queue, topology.exchange, topology.routingKey);
    await channel.close();

    await until(async () => {
      await publisher.publish(ride(2), { messageId: 'resumed', timeoutMs: 1_000 });
      return true;
    }, 'publishing to resume');
    expect(connection.current()).toBe(before);
    expect(await depth(topology.queue)).toBe(2);
  });
});
