import { startTestStack, type TestStack } from '@skico/stack';
import { createHistory, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, expectedVertical, judge, liftRideDb, rideKeyOf, seeded, sendRides } from './pipeline-kit.ts';

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
    // that had been taken the first time must still count once). Every attempt goes into the history.
    const history = createHistory();
    const sending = sendRides(stack, rides, history, { clients: 48, attempts: 30 });
    const created = () => history.okCount();

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
      const before = created();
      await waitFor(() => created() > before + 300, { timeoutMs: 30_000, message: 'rides stopped flowing' });
      await new Promise((resolve) => setTimeout(resolve, rand(20, 200)));
      const api = stack.supervisor.child('lift-ride');
      if (!api?.pid || created() >= rides.length) break;
      const grouping = await ridesPerMessage();
      api.kill('SIGKILL');
      kills.push({ createdBefore: created(), ridesPerMessage: grouping });
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
    expect(created()).toBeGreaterThan(kills.at(-1)?.createdBefore ?? rides.length);

    // Rides answered 201 only on a later attempt: some of them had been taken by the attempt that failed.
    const firstAttempt = new Map<string, boolean>();
    for (const a of history.attempts()) if (!firstAttempt.has(a.key)) firstAttempt.set(a.key, a.outcome === 'ok');
    const report = await judge('API SIGKILL', history, db, {
      retriedThenCreated: [...firstAttempt.values()].filter((ok) => !ok).length,
      ridesPerMessage: kills.map((k) => Number(k.ridesPerMessage.toFixed(1))),
    });
    const keys = await db.keys();
    expect(await db.totalVertical()).toBe(expectedVertical(rides.filter((r) => keys.has(rideKeyOf(r)))));
    // The kills cost some requests their answer: the fault reached the clients.
    expect(report.attempts).toBeGreaterThan(report.sent);
  }, 180_000);
});
