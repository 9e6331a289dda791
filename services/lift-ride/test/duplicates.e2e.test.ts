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

describe('exactly-once effect of lift rides through the queue', () => {
  it('when 10,000 rides are sent and 10% of them two or three times, then Postgres holds exactly the distinct rides', async () => {
    const rides = distinctRides(10_000, 4242);
    const rand = seeded(7);
    const sends: { ride: (typeof rides)[number]; key?: string }[] = [];
    rides.forEach((ride, i) => {
      // Half of the repeated rides carry an Idempotency-Key (replayed by the gateway), half do not
      // (deduplicated by the natural key in Postgres).
      const key = i % 2 === 0 ? `dup-${i}` : undefined;
      const copies = i % 10 === 0 ? rand(2, 3) : 1;
      for (let c = 0; c < copies; c++) sends.push({ ride, key: copies > 1 ? key : undefined });
    });
    expect(sends.length).toBeGreaterThan(11_000);

    const statuses: Record<number, number> = {};
    await inParallel(sends, 32, async ({ ride, key }) => {
      const { status } = await postRide(stack, ride, key ? { 'idempotency-key': key } : {});
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
    // A retry with the same key while the first is still in flight is answered 409, as the draft says.
    expect(Object.keys(statuses).filter((s) => s !== '201' && s !== '409')).toEqual([]);

    await waitFor(async () => (await db.count()) >= rides.length, {
      timeoutMs: 60_000,
      message: 'rides did not drain',
    });
    const keys = await db.keys();
    expect(keys.size).toBe(rides.length);
    expect(rides.every((r) => keys.has(rideKeyOf(r)))).toBe(true);
    expect(await db.aggregateMismatches()).toBe(0);
    expect(await db.totalVertical()).toBe(expectedVertical(rides));
  }, 240_000);

  it('when a POST repeats its Idempotency-Key, then it is replayed; another body is 422; concurrent copies have one effect', async () => {
    const ride = { resortID: 3, dayID: 2, skierID: 90_001, liftID: 12, time: 100 };
    const first = await postRide(stack, ride, { 'idempotency-key': 'k-replay' });
    const again = await postRide(stack, ride, { 'idempotency-key': 'k-replay' });
    expect(first.status).toBe(201);
    expect(again).toMatchObject({ status: 201, replayed: 'true' });
    expect((await postRide(stack, { ...ride, time: 101 }, { 'idempotency-key': 'k-replay' })).status).toBe(422);

    const burst = { ...ride, skierID: 90_002 };
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => postRide(stack, burst, { 'idempotency-key': 'k-burst' })),
    );
    const fresh = answers.filter((a) => a.status === 201 && a.replayed !== 'true');
    expect(fresh).toHaveLength(1);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(answers.filter((a) => a.status === 409).every((a) => a.retryAfter !== null)).toBe(true);

    expect((await postRide(stack, { ...ride, skierID: 90_003 })).status).toBe(201);
    await waitFor(
      async () => (await db.query('SELECT count(*) AS n FROM rides WHERE skier_id >= 90001')).rows[0].n === '3',
      { timeoutMs: 10_000, message: 'keyed rides not persisted' },
    );
    const rows = await db.query('SELECT skier_id, rides FROM skier_days WHERE skier_id >= 90001 ORDER BY skier_id');
    expect(rows.rows).toEqual([
      { skier_id: 90001, rides: 1 },
      { skier_id: 90002, rides: 1 },
      { skier_id: 90003, rides: 1 },
    ]);
  });
});
