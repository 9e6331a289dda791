import { randomUUID } from 'node:crypto';
import { liftRideMessage, type RecordedRide } from '@skico/contracts';
import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, expectedVertical, liftRideDb, rideKeyOf, type SentRide } from './pipeline-kit.ts';

let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;

// No worker at first: the queue fills with messages as the API before group commit published them, and the
// worker of this version meets them as a backlog, as it does right after an upgrade.
beforeAll(async () => {
  stack = await startTestStack({ only: ['lift-ride'] });
  db = await liftRideDb(stack);
});
afterAll(async () => {
  await db?.close();
  await stack?.stop();
});

const recorded = (r: SentRide, requestId: string): RecordedRide => ({
  resortID: r.resortID,
  seasonID: '2025',
  dayID: r.dayID,
  skierID: r.skierID,
  liftID: r.liftID,
  time: r.time,
  // The vertical that pipeline-kit's expectedVertical counts.
  vertical: 10 * r.liftID,
  requestId,
});
const keyOf = (r: RecordedRide) => `ride:${r.resortID}:2025:${r.dayID}:${r.skierID}:${r.liftID}:${r.time}`;

describe('messages of both versions in one queue', () => {
  it('when the queue holds a few hundred version 1 messages, some twice, and version 2 messages carrying some of the same rides, then the worker drains it and every ride counts once', async () => {
    const v1Rides = distinctRides(400, 5150).map((r, i) => recorded(r, `v1-${i}`));
    const v2Only = distinctRides(420, 5150)
      .slice(400)
      .map((r, i) => recorded(r, `v2-${i}`));
    const connection = await amqp.connect(stack.settings.amqpUrl);
    const channel = await connection.createConfirmChannel();
    const send = (body: unknown, messageId: string, headers: Record<string, unknown>) =>
      channel.publish(`${stack.namespace}lift-rides`, 'ride', Buffer.from(JSON.stringify(body)), {
        persistent: true,
        contentType: 'application/json',
        messageId,
        headers: { ...headers, 'x-published-at': Date.now() },
      });
    // As the API of the first version published them: one ride each, keyed by the ride; the first 40 twice.
    for (const ride of [...v1Rides, ...v1Rides.slice(0, 40)]) {
      const { requestId, ...fields } = ride;
      const body = {
        type: 'lift-ride.recorded',
        schemaVersion: 1,
        ride: fields,
        requestId,
        acceptedAt: new Date().toISOString(),
      };
      send(body, keyOf(ride), { 'x-request-id': requestId });
    }
    // Group-commit messages that carry 30 rides the version 1 messages carry too, and 20 of their own.
    const mixed = [...v1Rides.slice(100, 130), ...v2Only];
    for (const rides of [mixed.slice(0, 25), mixed.slice(25)]) {
      send(liftRideMessage(rides), `rides-${randomUUID()}`, { 'skico-rides': rides.length });
    }
    await channel.waitForConfirms();
    const depth = async (queue: string) => (await channel.checkQueue(`${stack.namespace}${queue}`)).messageCount;
    expect(await depth('lift-rides.persist')).toBe(442);
    expect(await db.count()).toBe(0);

    stack.startProcess('lift-ride-worker');
    const distinct = [...v1Rides, ...v2Only];
    await waitFor(async () => (await depth('lift-rides.persist')) === 0 && (await db.count()) >= distinct.length, {
      timeoutMs: 60_000,
      message: 'the queue was not drained into Postgres',
    });
    const keys = await db.keys();
    expect(keys.size).toBe(distinct.length);
    expect(distinct.every((r) => keys.has(rideKeyOf(r)))).toBe(true);
    expect(await db.aggregateMismatches()).toBe(0);
    expect(await db.totalVertical()).toBe(expectedVertical(distinct));
    expect(await depth('lift-rides.dead')).toBe(0);
    await connection.close();
  }, 120_000);
});
