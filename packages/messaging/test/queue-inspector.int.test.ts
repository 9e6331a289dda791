import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AmqpConnection, createAmqpConnection } from '../src/connection.ts';
import { createQueueInspector } from '../src/queue-inspector.ts';
import { adminConnection, amqpUrl, silentLog, testTopology } from './broker-kit.ts';

let admin: ChannelModel;
let connection: AmqpConnection;
const queue = testTopology('inspector').queue;

beforeAll(async () => {
  admin = await adminConnection();
  const channel = await admin.createConfirmChannel();
  await channel.assertQueue(queue, { durable: false, autoDelete: false });
  for (let i = 0; i < 7; i++) channel.sendToQueue(queue, Buffer.from('x'));
  await channel.waitForConfirms();
  await channel.close();
  connection = createAmqpConnection({ url: amqpUrl, log: silentLog, name: 'test-inspector' });
  await connection.ready(5_000);
});
afterAll(async () => {
  await connection?.close();
  const channel = await admin.createChannel();
  await channel.deleteQueue(queue);
  await channel.close();
  await admin?.close();
});

/** The same connection, counting the channels opened on it. */
function counting(inner: AmqpConnection) {
  let opened = 0;
  const wrap = (model: ChannelModel) =>
    new Proxy(model, {
      get(target, property) {
        if (property === 'createChannel' || property === 'createConfirmChannel') {
          return (...args: unknown[]) => {
            opened += 1;
            return (target[property] as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        const value = Reflect.get(target, property);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  const connection: AmqpConnection = {
    ...inner,
    current: () => {
      const model = inner.current();
      return model && wrap(model);
    },
  };
  return { connection, opened: () => opened };
}

describe('the queue inspector', () => {
  it('when 40 depth checks run at once, twice, then they all answer on one channel', async () => {
    const { connection: instrumented, opened } = counting(connection);
    const inspector = createQueueInspector(instrumented);
    for (let round = 0; round < 2; round++) {
      const depths = await Promise.all(Array.from({ length: 40 }, () => inspector.depth(queue, 5_000)));
      expect(depths).toEqual(Array(40).fill(7));
    }
    expect(opened()).toBe(1);
  });

  it('when a check of a missing queue closes the channel, then the next checks share one new channel', async () => {
    const { connection: instrumented, opened } = counting(connection);
    const inspector = createQueueInspector(instrumented);
    expect(await inspector.depth(queue, 5_000)).toBe(7);
    expect(await inspector.depth(`${queue}-missing`, 5_000)).toBeUndefined();
    const depths = await Promise.all(Array.from({ length: 40 }, () => inspector.depth(queue, 5_000)));
    expect(depths).toEqual(Array(40).fill(7));
    expect(opened()).toBe(2);
  });
});
