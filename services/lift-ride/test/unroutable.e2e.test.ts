import { liftRideTopology, parseLiftRideMessage } from '@skico/contracts';
import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, inParallel, liftRideDb, postRide, rideKeyOf, type SentRide } from './pipeline-kit.ts';

let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;
let broker: ChannelModel;

// No worker at first: a ride the broker queued stays in the queue, a ride the fallback wrote is in Postgres,
// so each 201 can be accounted for before anything drains.
beforeAll(async () => {
  stack = await startTestStack({ only: ['resort', 'lift-ride', 'skier', 'gateway'] });
  db = await liftRideDb(stack);
  broker = await amqp.connect(stack.settings.amqpUrl, { timeout: 5_000 } as never);
});
afterAll(async () => {
  await broker?.close();
  await db?.close();
  await stack?.stop();
});

describe('a queue that no longer receives what is published', () => {
  it('when the binding between the exchange and the queue is deleted while rides flow, then no ride is answered 201 unless it is queued or in Postgres, and all of them reach Postgres', async () => {
    const topology = liftRideTopology(stack.namespace);
    const channel = await broker.createChannel();
    const depth = async () => (await channel.checkQueue(topology.queue)).messageCount;
    /** The keys of the rides the queue holds (a message carries one ride or more); they go back unconsumed. */
    const queuedKeys = async () => {
      const keys = new Set<string>();
      for (let message = await channel.get(topology.queue); message; message = await channel.get(topology.queue)) {
        const parsed = parseLiftRideMessage(JSON.parse(message.content.toString('utf8')));
        for (const r of parsed.ok ? parsed.rides : []) keys.add(rideKeyOf(r));
      }
      channel.nackAll(true);
      return keys;
    };
    const rides = distinctRides(300, 41);
    const accepted: SentRide[] = [];
    let answered = 0;
    let unbinding: Promise<void> | undefined;
    await inParallel(rides, 4, async (ride) => {
      const answer = await postRide(stack, ride);
      if (answer.status === 201) accepted.push(ride);
      else expect(answer.status).toBe(503);
      answered += 1;
      if (answered === 100) {
        unbinding = channel.unbindQueue(topology.queue, topology.exchange, topology.routingKey).then(() => undefined);
        await unbinding;
      }
    });
    await unbinding;

    // Every 201 is a ride in the queue or a row that the fallback committed (returned publishes took it).
    const queued = await queuedKeys();
    const written = await db.keys();
    expect(written.size).toBeGreaterThan(0);
    expect(accepted.filter((r) => !queued.has(rideKeyOf(r)) && !written.has(rideKeyOf(r)))).toEqual([]);

    // The worker declares the topology as it connects, the binding included, and drains the queue.
    stack.startProcess('lift-ride-worker');
    await waitFor(async () => (await depth()) === 0, { timeoutMs: 30_000, message: 'the queue to drain' });
    await waitFor(
      async () => {
        const keys = await db.keys();
        return accepted.every((r) => keys.has(rideKeyOf(r)));
      },
      { timeoutMs: 10_000, message: 'every accepted ride in Postgres' },
    ).catch(() => undefined);
    const keys = await db.keys();
    const missing = accepted.filter((r) => !keys.has(rideKeyOf(r)));
    expect(missing).toEqual([]);
    expect(accepted.length).toBeGreaterThan(100);
    await channel.close();
  }, 90_000);
});
