import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distinctRides,
  expectedVertical,
  inParallel,
  liftRideDb,
  postRide,
  rideKeyOf,
  type SentRide,
  seeded,
} from './pipeline-kit.ts';

let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;

beforeAll(async () => {
  stack = await startTestStack();
  db = await liftRideDb(stack);
});
afterAll(async () => {
  await db?.close();
  await stack?.stop();
});

describe('a lift-ride API that crashes', () => {
  it('when the API is SIGKILLed while rides flow (many of them grouped in messages awaiting confirms), then no ride answered 201 is lost or counted twice', async () => {
    const rides = distinctRides(8_000, 404);
    // Each client retries a ride that was refused or lost its answer, as a real client would (a retried ride
    // that had been taken the first time must still count once). The last answer is the ride's outcome.
    const answered = new Map<string, 'created' | 'refused' | 'indeterminate'>();
    const failedAttempts = { refused: 0, indeterminate: 0 };
    // Rides answered 201 only on a later attempt: some of them had been taken by the attempt that failed.
    let retriedThenCreated = 0;
    let created = 0;
    const sending = inParallel(rides, 48, async (ride) => {
      for (let attempt = 0; attempt < 30; attempt++) {
        let outcome: 'created' | 'refused' | 'indeterminate';
        try {
          outcome = (await postRide(stack, ride)).status === 201 ? 'created' : 'refused';
        } catch {
          // A dropped connection: the ride may or may not have been taken.
          outcome = 'indeterminate';
        }
        answered.set(rideKeyOf(ride), outcome);
        if (outcome === 'created') {
          created += 1;
          if (attempt > 0) retriedThenCreated += 1;
          return;
        }
        failedAttempts[outcome] += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });

    /** Rides per confirmed message so far in this API process (group commit at work). */
    const ridesPerMessage = async () => {
      const text = await fetch(`${stack.urlOf('lift-ride')}/metrics`).then((r) => r.text());
      const figure = (name: string) =>
        Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1] ?? Number.NaN);
      return figure('skico_publish_rides_per_message_sum') / figure('skico_publish_rides_per_message_count');
    };

    const rand = seeded(17);
    const kills: { createdBefore: number; ridesPerMessage: number }[] = [];
    for (let k = 0; k < 3; k++) {
      const before = created;
      await waitFor(() => created > before + 300, { timeoutMs: 30_000, message: 'rides stopped flowing' });
      await new Promise((resolve) => setTimeout(resolve, rand(20, 200)));
      const api = stack.supervisor.child('lift-ride');
      if (!api?.pid || answered.size >= rides.length) break;
      const grouping = await ridesPerMessage();
      api.kill('SIGKILL');
      kills.push({ createdBefore: created, ridesPerMessage: grouping });
      await waitFor(() => stack.supervisor.child('lift-ride')?.pid !== api.pid, {
        timeoutMs: 20_000,
        message: 'the API was not restarted',
      });
    }
    await sending;

    // Each kill landed while rides were flowing, and rides were accepted again after it.
    expect(kills.length).toBe(3);
    expect(kills.every((k) => k.createdBefore < rides.length)).toBe(true);
    // Rides were leaving in groups when the API died: a kill lost messages of several rides awaiting confirms.
    expect(kills.every((k) => k.ridesPerMessage > 1)).toBe(true);
    expect(created).toBeGreaterThan(kills.at(-1)?.createdBefore ?? rides.length);

    const ok = rides.filter((r) => answered.get(rideKeyOf(r)) === 'created');
    await waitFor(
      async () => {
        const keys = await db.keys();
        return ok.every((r) => keys.has(rideKeyOf(r)));
      },
      { timeoutMs: 60_000, message: 'rides answered 201 are missing from Postgres' },
    );
    const keys = await db.keys();
    const sent = new Set(rides.map(rideKeyOf));
    const present: SentRide[] = rides.filter((r) => keys.has(rideKeyOf(r)));
    const figures = {
      sent: rides.length,
      created: ok.length,
      refused: [...answered.values()].filter((a) => a === 'refused').length,
      indeterminate: [...answered.values()].filter((a) => a === 'indeterminate').length,
      lost: ok.filter((r) => !keys.has(rideKeyOf(r))).length,
      unexpected: [...keys].filter((k) => !sent.has(k)).length,
      recovered: rides.filter((r) => answered.get(rideKeyOf(r)) !== 'created' && keys.has(rideKeyOf(r))).length,
      failedAttempts,
      retriedThenCreated,
      ridesPerMessage: kills.map((k) => Number(k.ridesPerMessage.toFixed(1))),
    };
    console.log('API SIGKILL history', JSON.stringify(figures));
    expect(figures.lost).toBe(0);
    expect(figures.unexpected).toBe(0);
    // Counted once: the ride table holds each key once (unique), and the aggregates add up to exactly the rides present.
    expect(keys.size).toBe(present.length);
    expect(await db.aggregateMismatches()).toBe(0);
    expect(await db.totalVertical()).toBe(expectedVertical(present));
    // The kills cost some requests their answer: the fault reached the clients.
    expect(failedAttempts.refused + failedAttempts.indeterminate).toBeGreaterThan(0);
  }, 180_000);
});
