import { createRedisClient, type Redis } from '@skico/cache';
import { createLogger } from '@skico/log';
import { startTestStack, type TestStack } from '@skico/stack';
import { type PostgresReplicaSet, startPostgresReplica, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replicaReads } from '../src/resilience.ts';
import { liftRideDb, postRide } from './pipeline-kit.ts';

const log = createLogger({ service: 'test', level: 'silent' });
const TOMBSTONE = '\u0000gone';
let pg: PostgresReplicaSet;
let stack: TestStack;
let redis: Redis;
let db: Awaited<ReturnType<typeof liftRideDb>>;

// The stack's database lives on a primary of the test's own; the lift-ride API reads from its standby.
beforeAll(async () => {
  pg = await startPostgresReplica();
  const { primary, standby } = pg;
  stack = await startTestStack({
    only: ['resort', 'lift-ride', 'lift-ride-worker', 'gateway'],
    adminUrl: primary.url(),
    settings: {
      postgres: `127.0.0.1:${primary.port}`,
      postgresRead: `127.0.0.1:${standby.port}`,
    },
  });
  db = await liftRideDb(stack);
  redis = createRedisClient({ url: stack.settings.redisUrl, log });
}, 120_000);
afterAll(async () => {
  redis?.disconnect();
  await db?.close();
  try {
    await stack?.stop();
  } finally {
    await pg?.close();
  }
});

type Day = { resortID: number; dayID: number; skierID: number };
const dayKey = (r: Day) => `${stack.namespace}liftride:v1:dayvert:${r.resortID}:2025:${r.dayID}:${r.skierID}`;

async function dayVertical(r: Day) {
  const res = await fetch(`${stack.gatewayUrl}/skiers/${r.resortID}/seasons/2025/days/${r.dayID}/skiers/${r.skierID}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = await res.text();
  return { status: res.status, value: res.status === 200 ? Number(body) : res.status === 404 ? 0 : Number.NaN };
}

const primaryVertical = async (r: Day) =>
  Number(
    (await db.query('SELECT vertical_m AS v FROM skier_days WHERE skier_id = $1 AND day = $2', [r.skierID, r.dayID]))
      .rows[0]?.v ?? 0,
  );
const standbyVertical = async (r: Day) =>
  Number(
    (await pg.sql(
      pg.standby,
      `SELECT coalesce(sum(vertical_m), 0) FROM lift_ride.skier_days WHERE skier_id = ${r.skierID} AND day = ${r.dayID}`,
      stack.database,
    )) || 0,
  );
/** Transactions the standby has run in the stack's database (the API's replica reads among them). */
const standbyTransactions = async () =>
  Number(await pg.sql(pg.standby, `SELECT xact_commit FROM pg_stat_database WHERE datname = '${stack.database}'`));

describe('reads from a Postgres read replica', () => {
  it('when the replica stops replaying while rides are written and read, then no value older than an invalidation is cached, and the reads catch up once it replays again', async () => {
    const day: Day = { resortID: 5, dayID: 1, skierID: 930_000 + Math.floor(Math.random() * 10_000) };
    expect((await postRide(stack, { ...day, liftID: 4, time: 100 })).status).toBe(201);
    await waitFor(async () => (await dayVertical(day)).value === 40 && (await redis.get(dayKey(day))) === '40', {
      timeoutMs: 15_000,
      message: 'the first ride read from the replica and cached',
    });

    await pg.pauseReplay();
    const answers: { at: number; value: number; status: number }[] = [];
    const cached: { at: number; raw: string | null }[] = [];
    const invalidations: { at: number; committedAt: number; value: number }[] = [];
    let running = true;
    const reader = (async () => {
      while (running) answers.push({ at: Date.now(), ...(await dayVertical(day)) });
    })();
    const observer = (async () => {
      while (running) {
        cached.push({ at: Date.now(), raw: await redis.get(dayKey(day)) });
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();

    try {
      let value = 40;
      // Three writes, each followed past its tombstone's life: a stale fill would land then.
      for (let i = 1; i <= 3; i++) {
        const liftID = 4 + i;
        expect((await postRide(stack, { ...day, liftID, time: 100 + i })).status).toBe(201);
        value += 10 * liftID;
        await waitFor(async () => (await primaryVertical(day)) === value, { timeoutMs: 10_000, message: 'commit' });
        const committedAt = Date.now();
        await waitFor(async () => (await redis.get(dayKey(day))) !== String(value - 10 * liftID), {
          timeoutMs: 10_000,
          message: 'the invalidation',
        });
        invalidations.push({ at: Date.now(), committedAt, value });
        const since = Date.now();
        await waitFor(
          async () =>
            (await redis.get(dayKey(day))) !== TOMBSTONE &&
            answers.filter((a) => a.at > since + replicaReads.tombstoneMs).length >= 20,
          { timeoutMs: 15_000, message: 'the tombstone expired and reads went on' },
        );
      }
      expect(await standbyVertical(day)).toBe(40);
    } finally {
      running = false;
      await Promise.all([reader, observer]);
    }
    const lagBytes = await pg.sql(
      pg.standby,
      'SELECT pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())',
    );

    // After an invalidation was seen, the cache never held a value older than the write it invalidated.
    const latestInvalidationBefore = (at: number) => invalidations.filter((i) => i.at < at).at(-1);
    const staleCached = cached.filter((c) => {
      const inv = latestInvalidationBefore(c.at);
      return inv && c.raw !== null && c.raw !== TOMBSTONE && Number(c.raw) < inv.value;
    });
    // Answers older than the primary: only within the documented lag bound after the commit.
    const staleWindows = invalidations.map((inv, n) => {
      const next = invalidations[n + 1]?.committedAt ?? Number.POSITIVE_INFINITY;
      const stale = answers.filter((a) => a.at > inv.committedAt && a.at < next && a.value < inv.value);
      return stale.length ? (stale.at(-1) as { at: number }).at - inv.committedAt : 0;
    });
    const failed = answers.filter((a) => a.status !== 200);
    console.info(
      JSON.stringify({
        reads: answers.length,
        cacheSamples: cached.length,
        staleCached: staleCached.length,
        staleAnswerWindowsMs: staleWindows,
        failed: failed.length,
        replayLagBytes: Number(lagBytes),
      }),
    );
    expect(staleCached).toEqual([]);
    expect(failed).toEqual([]);
    for (const w of staleWindows) expect(w).toBeLessThanOrEqual(replicaReads.maxLagMs + 1_000);

    // Replay again: the standby catches up and serves the reads again.
    const resumed = Date.now();
    await pg.resumeReplay();
    const final = invalidations.at(-1)?.value;
    await waitFor(async () => (await standbyVertical(day)) === final, { timeoutMs: 10_000, message: 'catch-up' });
    const caughtUpMs = Date.now() - resumed;
    await waitFor(async () => (await dayVertical(day)).value === final, { timeoutMs: 5_000, message: 'read' });
    // Uncached reads of other skiers (404s) go to the standby once it is within the bound.
    await waitFor(
      async () => {
        const before = await standbyTransactions();
        for (let i = 0; i < 30; i++) await dayVertical({ ...day, skierID: day.skierID + 10_000 + i });
        return (await standbyTransactions()) - before >= 30;
      },
      { timeoutMs: 15_000, message: 'reads served by the replica again' },
    );
    console.info(JSON.stringify({ caughtUpMs }));
  }, 120_000);

  it('when the replica is stopped, then reads are served from the primary', async () => {
    const day: Day = { resortID: 6, dayID: 2, skierID: 940_000 + Math.floor(Math.random() * 10_000) };
    expect((await postRide(stack, { ...day, liftID: 9, time: 200 })).status).toBe(201);
    await waitFor(async () => (await primaryVertical(day)) === 90, { timeoutMs: 10_000, message: 'commit' });

    await pg.stop(pg.standby);
    const started = Date.now();
    const answers: { status: number; value: number; ms: number }[] = [];
    try {
      // Distinct keys, so that every read reaches Postgres: the skier's day, and days nobody skied (404).
      for (let i = 0; i < 60; i++) {
        const target = i % 2 === 0 ? day : { ...day, skierID: day.skierID + 1 + i };
        const t = Date.now();
        const answer = await dayVertical(target);
        answers.push({ ...answer, ms: Date.now() - t });
        if (i % 2 === 0) await redis.del(dayKey(day));
      }
    } finally {
      await pg.start(pg.standby);
    }
    console.info(
      JSON.stringify({
        reads: answers.length,
        failed: answers.filter((a) => a.status !== 200 && a.status !== 404).length,
        slowestMs: Math.max(...answers.map((a) => a.ms)),
        tookMs: Date.now() - started,
      }),
    );
    expect(answers.filter((a, i) => (i % 2 === 0 ? a.value !== 90 : a.status !== 404))).toEqual([]);
  }, 60_000);
});
