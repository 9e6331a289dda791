import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@skico/log';
import type { ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAmqpConnection } from '../src/connection.ts';
import { declareQueueTopology, persistQueueArguments } from '../src/topology.ts';
import { adminConnection, amqpUrl, removeTopology, testTopology } from './broker-kit.ts';

let admin: ChannelModel;
beforeAll(async () => {
  admin = await adminConnection();
});
afterAll(async () => {
  await admin?.close();
});

/** A logger that keeps what was logged at each level. */
function recordingLog() {
  const lines: { level: string; message: string; fields: unknown }[] = [];
  const at = (level: string) => (fields: unknown, message?: string) =>
    lines.push({ level, message: message ?? String(fields), fields });
  const log = {
    trace: at('trace'),
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    fatal: at('fatal'),
    child: () => log,
  };
  return { log: log as unknown as Logger, lines };
}

const limits = { deliveryLimit: 5, maxLength: 1_000 };

describe('a queue declared with other arguments than it has', () => {
  it.each([
    // A changed QUEUE_MAX_LENGTH.
    ['x-max-length', { 'x-max-length': 2_000 }, '2000', '1000'],
    // A queue created by a version of the code with another delivery limit.
    [
      'x-delivery-limit',
      { 'x-delivery-limit': 10 },
      '10',
      String(persistQueueArguments(testTopology('x'), limits)['x-delivery-limit']),
    ],
  ])(
    'when the persist queue exists with another %s, then connecting fails once with an error that names the argument and what to do',
    async (argument, existing, current, declared) => {
      const topology = testTopology('mismatch');
      const setup = await admin.createChannel();
      await setup.assertQueue(topology.queue, {
        durable: true,
        arguments: { ...persistQueueArguments(topology, limits), ...existing },
      });
      await setup.close();

      const { log, lines } = recordingLog();
      // Short backoff: a process that kept reconnecting would make many attempts in the time waited below.
      const connection = createAmqpConnection({
        url: amqpUrl,
        log,
        name: 'test-mismatch',
        reconnectMinMs: 10,
        reconnectMaxMs: 20,
      });
      let declares = 0;
      connection.onConnect(async (conn) => {
        declares += 1;
        const channel = await conn.createChannel();
        await declareQueueTopology(channel, topology, limits);
        await channel.close();
      });
      try {
        const error = (await connection.ready(5_000).catch((err) => err)) as Error;
        expect(error).toBeInstanceOf(Error);
        expect(error.message).toContain(argument);
        expect(error.message).toContain(topology.queue);
        expect(error.message).toContain(`= ${current}`);
        expect(error.message).toContain(`declares ${declared}`);
        expect(error.message).toMatch(/delete/);

        // Absence of retries can only be seen by waiting: 300 ms is 15 backoff periods.
        await sleep(300);
        expect(declares).toBe(1);
        expect(lines.filter((l) => l.level === 'error' || l.level === 'fatal')).toHaveLength(1);
        // ready() keeps answering with the same error, at once.
        await expect(connection.ready(5_000)).rejects.toThrow(argument);
      } finally {
        await connection.close();
        await removeTopology(admin, topology);
      }
    },
  );
});
