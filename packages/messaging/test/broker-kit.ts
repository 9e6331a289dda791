import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '@skico/log';
import amqp, { type ChannelModel } from 'amqplib';
import type { QueueTopology } from '../src/topology.ts';

// The machine's broker, as the services' default AMQP_URL reaches it.
export const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
export const silentLog = createLogger({ service: 'messaging-test', level: 'silent' });

/** Lift-ride names under a prefix of this test's own, so that runs on the shared broker never meet. */
export function testTopology(label: string): QueueTopology {
  const prefix = `t-msg-${label}-${Date.now().toString(36)}${randomBytes(3).toString('hex')}-`;
  return {
    exchange: `${prefix}rides`,
    queue: `${prefix}rides.persist`,
    deadExchange: `${prefix}rides.dlx`,
    deadQueue: `${prefix}rides.dead`,
    routingKey: 'ride',
  };
}

/** A connection of the test's own, for setting up, breaking and inspecting what the code under test uses. */
export async function adminConnection(): Promise<ChannelModel> {
  const connection = await amqp.connect(amqpUrl, { timeout: 5_000 } as never);
  connection.on('error', () => undefined);
  return connection;
}

/** Deletes the queues and exchanges of a test topology, on a channel of its own. */
export async function removeTopology(connection: ChannelModel, topology: QueueTopology) {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  for (const queue of [topology.queue, topology.deadQueue]) await channel.deleteQueue(queue);
  for (const exchange of [topology.exchange, topology.deadExchange]) await channel.deleteExchange(exchange);
  await channel.close();
}

/** Polls `condition` until it holds, or throws at the deadline. */
export async function until(condition: () => Promise<boolean> | boolean, message: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await condition()) return;
    } catch {
      // not yet
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`);
    await sleep(25);
  }
}
