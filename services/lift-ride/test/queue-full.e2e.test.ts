import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, inParallel, liftRideDb, postRide, rideKeyOf, type SentRide } from './pipeline-kit.ts';

const MAX_LENGTH = 50;
let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;

// No worker at first, a queue of 50, and the direct-write fallback switched off: the queue fills up.
beforeAll(async () => {
  stack = await startTestStack({
    only: ['resort', 'lift-ride', 'skier', 'gateway'],
    settings: { extra: { QUEUE_MAX_LENGTH: String(MAX_LENGTH), PUBLISH_FALLBACK: 'false' } },
  });
  db = await liftRideDb(stack);
});
afterAll(async () => {
  await db?.close();
  await stack?.stop();
});

describe('a full queue', () => {
  it('when the queue is full, then further rides get 503 with Retry-After fast, and every 201 reaches Postgres later', async () => {
    const rides = distinctRides(200, 21);
    const accepted: SentRide[] = [];
    const refused: { status: number; retryAfter: string | null; ms: number }[] = [];
    await inParallel(rides, 4, async (ride) => {
      const started = performance.now();
      const answer = await postRide(stack, ride);
      if (answer.status === 201) accepted.push(ride);
      else refused.push({ status: answer.status, retryAfter: answer.retryAfter, ms: performance.now() - started });
    });
    expect(accepted.length).toBeGreaterThanOrEqual(MAX_LENGTH);
    expect(accepted.length).toBeLessThan(rides.length);
    expect(refused.length).toBe(rides.length - accepted.length);
    expect(refused.every((r) => r.status === 503 && r.retryAfter !== null)).toBe(true);
    // Answered fast: a broker nack or an open breaker, never a client-side timeout.
    expect(Math.max(...refused.map((r) => r.ms))).toBeLessThan(1_500);
    expect(await db.count()).toBe(0);

    stack.startProcess('lift-ride-worker');
    await waitFor(
      async () => {
        const keys = await db.keys();
        return accepted.every((r) => keys.has(rideKeyOf(r)));
      },
      { timeoutMs: 30_000, message: 'accepted rides did not reach Postgres' },
    );
    expect(await db.count()).toBe(accepted.length);
  }, 60_000);
});
