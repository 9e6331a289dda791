import { createHistory, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, sendRides } from '../pipeline-kit.ts';
import { DEADLINE_MS, judge, type LabStack, lateAnswers, MARGIN_MS, metric, since, startLabStack } from './net-kit.ts';

let env: LabStack;
/** One history for the file: both tests write into the same database, and each judge checks all of it. */
const history = createHistory();

beforeAll(async () => {
  env = await startLabStack();
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/**
 * Longer than every bound between the worker and Postgres: the breaker's 1.5 s (which also sets
 * statement_timeout), the pool's 2 s connect timeout, pg's 6 s client-side query timeout and the pool's 30 s
 * idle timeout (a connection idle at the cut is closed by the pool while its FIN cannot get through).
 */
const PARTITION_MS = 35_000;
/**
 * After healing, the worker must commit again within this: a held batch is tried again 0.5 s after each
 * attempt ends (at the breaker's 1.5 s), so within about 2 s; measured 0.6-1.1 s. Bound with headroom for the
 * other files' load.
 */
const RESUME_BOUND_MS = 10_000;
/**
 * After healing, the worker's connections in Postgres must match its pool again within this: a socket the
 * worker gave up during the partition lost its FIN, and its backend ends when TCP's retransmissions (of that
 * FIN, or of Postgres's answer to the abandoned statement) reach the worker, which answers with a reset.
 * Measured 3-19 s after healing (counted from the heal, so including the wait for the clients to stop).
 */
const HALF_OPEN_BOUND_MS = 45_000;

const worker = () => env.stack.urlOf('lift-ride-worker');
const acked = () => metric(worker(), 'skico_worker_messages_total', 'outcome="ack"');
const poolTotal = () => metric(worker(), 'skico_pg_pool_connections', 'state="total"');

/** The worker's consumer as its /health/deps reports it: 'degraded' while it holds a batch it cannot write. */
async function consumerStatus() {
  const res = await fetch(`${worker()}/health/deps`, { signal: AbortSignal.timeout(2_000) });
  const body = (await res.json()) as { dependencies: Record<string, { status: string }> };
  return body.dependencies.consumer?.status;
}

/**
 * Waits (up to HALF_OPEN_BOUND_MS after healing) until the worker's backends in Postgres and its pool's
 * connections are the same number: Postgres then holds no backend the worker has given up (an orphan behind
 * a lost FIN, or a killed process's), and the pool holds no connection whose backend is gone.
 */
async function settleBackends(healedAt: number) {
  let pgSide = 0;
  let poolSide = 0;
  await waitFor(
    async () => {
      pgSide = (await workerBackends()).length;
      poolSide = await poolTotal();
      return pgSide === poolSide;
    },
    { timeoutMs: Math.max(1_000, HALF_OPEN_BOUND_MS - (Date.now() - healedAt)), intervalMs: 500 },
  ).catch(() => undefined);
  return { pgSide, poolSide, settledMs: since(healedAt) };
}

/** The worker's backends in the stack's database, as Postgres sees them (through the test's own connection). */
async function workerBackends() {
  const { rows } = await env.db.query(
    `SELECT pid, backend_start, state FROM pg_stat_activity
     WHERE datname = $1 AND application_name = 'lift-ride-worker'`,
    [env.stack.database],
  );
  return rows as { pid: number; backend_start: Date; state: string }[];
}

describe('the lift-ride worker partitioned from Postgres (packets dropped, no reset)', () => {
  it('holds its batch while the partition lasts, resumes after healing, loses or doubles no ride, and leaves no connection half-open', async () => {
    const { lab, stack, db, network } = env;
    let sending = true;
    const flow = sendRides(stack, distinctRides(40_000, 2001), history, {
      clients: 8,
      pauseMs: 20,
      attemptTimeoutMs: 10_000,
      stop: () => !sending,
    });
    await waitFor(async () => (await acked()) > 100, { timeoutMs: 20_000, message: 'the worker is not writing' });
    const backendsBefore = await workerBackends();

    const cut = await lab.partition(network.host('lift-ride-worker'), network.postgres);
    const t0 = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Anything the worker still commits now was sent before the cut; from here on nothing may commit.
    const ackedEarly = await acked();
    const rowsEarly = await db.count();
    await new Promise((resolve) => setTimeout(resolve, PARTITION_MS - 2_000));
    const ackedLate = await acked();
    const rowsLate = await db.count();
    const consumerDuring = await consumerStatus();
    // Seen from Postgres while the partition lasts: the backends of connections the worker gave up on.
    const backendsDuring = (await workerBackends()).length;
    const poolDuring = await poolTotal();
    const createdDuring = history.attempts().filter((a) => a.startedAt > t0 && a.status === 201).length;
    const dropped = await cut.hits();

    await cut.heal();
    const healedAt = Date.now();
    await waitFor(async () => (await db.count()) > rowsLate, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: 'the worker never wrote again after the partition healed',
    });
    const resumeMs = since(healedAt);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    sending = false;
    await flow;

    const late = lateAnswers(history);
    // No dead connection is kept (settleBackends). Backends opened before the partition and still there are
    // printed: an idle connection that no probe used survives a partition shorter than TCP's retries.
    const { pgSide, poolSide, settledMs } = await settleBackends(healedAt);
    const before = new Set(backendsBefore.map((b) => b.pid));
    const leftover = (await workerBackends()).filter((b) => before.has(b.pid));
    const ackedAfter = await acked();

    const report = await judge('worker postgres partition', history, db, {
      partitionMs: healedAt - t0,
      droppedPackets: dropped,
      consumerDuring,
      backendsDuring,
      poolDuring,
      createdDuring,
      rowsWrittenDuring: rowsLate - rowsEarly,
      ackedDuring: ackedLate - ackedEarly,
      resumeMs,
      backendsBefore: backendsBefore.length,
      backendsAfter: pgSide,
      poolAfter: poolSide,
      leftoverFromBefore: leftover.length,
      settledMs,
      proxyActive: network.postgres.proxy.stats().active,
      late: late.length,
    });
    // The fault landed: packets were dropped, the worker held its batch, and nothing committed meanwhile
    // although the API kept accepting rides into the queue.
    expect(dropped).toBeGreaterThan(0);
    expect(consumerDuring).toBe('degraded');
    expect(rowsLate - rowsEarly).toBe(0);
    expect(createdDuring).toBeGreaterThan(100);
    expect(late.map((a) => `${a.key} ${a.status ?? a.error} ${a.latencyMs} ms`)).toEqual([]);
    expect(report.worstLatencyMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    expect(resumeMs).toBeLessThan(RESUME_BOUND_MS);
    // No half-open connection: Postgres and the pool agree, within the bound.
    expect(pgSide).toBe(poolSide);
    expect(settledMs).toBeLessThan(HALF_OPEN_BOUND_MS);
    // And the pool's connections are usable: the worker kept writing after healing.
    expect(ackedAfter).toBeGreaterThan(ackedLate);
  }, 150_000);

  it('when the worker is SIGKILLed while it holds a batch it cannot write, then the supervisor restarts it, its unacked deliveries come back, and every ride counts once after healing', async () => {
    const { lab, stack, db, network } = env;
    let sending = true;
    const flow = sendRides(
      stack,
      distinctRides(40_000, 2002, 3_000).map((r) => ({ ...r, dayID: r.dayID + 30 })),
      history,
      {
        clients: 8,
        pauseMs: 20,
        attemptTimeoutMs: 10_000,
        stop: () => !sending,
      },
    );
    const ackedAtStart = await acked();
    await waitFor(async () => (await acked()) > ackedAtStart + 50, {
      timeoutMs: 20_000,
      message: 'the worker is not writing',
    });

    const cut = await lab.partition(network.host('lift-ride-worker'), network.postgres);
    const t0 = Date.now();
    await waitFor(async () => (await consumerStatus()) === 'degraded', {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: 'the worker never held a batch',
    });
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const killed = stack.supervisor.child('lift-ride-worker');
    if (!killed?.pid) throw new Error('no worker process');
    const restartsBefore = stack.supervisor.restarts('lift-ride-worker');
    // Rides answered 201 and not yet in Postgres: in the queue, or delivered to the worker and held unacked.
    const present = await db.keys();
    const pendingAtKill = history.acknowledged().filter((k) => !present.has(k));
    killed.kill('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      async () => {
        const child = stack.supervisor.child('lift-ride-worker');
        if (!child?.pid || child.pid === killed.pid) return false;
        return (await fetch(`${worker()}/health/ready`, { signal: AbortSignal.timeout(1_000) })).ok;
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'the worker was not restarted' },
    ).catch(() => undefined);
    const restartMs = since(killedAt);
    const restarted = stack.supervisor.child('lift-ride-worker');
    // The restarted worker is in the same host, so still cut off: it receives the deliveries again and holds them.
    await waitFor(async () => (await consumerStatus().catch(() => undefined)) === 'degraded', {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: 'the restarted worker never held a batch',
    });
    const rowsLate = await db.count();
    const dropped = await cut.hits();

    await cut.heal();
    const healedAt = Date.now();
    await waitFor(async () => (await db.count()) > rowsLate, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: 'the restarted worker never wrote after the partition healed',
    });
    const resumeMs = since(healedAt);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    sending = false;
    await flow;
    const late = lateAnswers(history);
    // The killed worker's connections are gone from Postgres too: only the new pool's remain.
    const settled = await settleBackends(healedAt);

    const report = await judge('worker SIGKILL during postgres partition', history, db, {
      partitionMs: healedAt - t0,
      droppedPackets: dropped,
      pendingAtKill: pendingAtKill.length,
      restartMs,
      resumeMs,
      restartedWorkerAcks: await acked(),
      backendsAfter: settled.pgSide,
      poolAfter: settled.poolSide,
      settledMs: settled.settledMs,
      late: late.length,
    });
    // The fault landed: packets were dropped, the worker was killed while rides answered 201 waited for it,
    // and the supervisor started a new one.
    expect(dropped).toBeGreaterThan(0);
    expect(pendingAtKill.length).toBeGreaterThan(0);
    expect(restarted?.pid).toBeDefined();
    expect(restarted?.pid).not.toBe(killed.pid);
    expect(stack.supervisor.restarts('lift-ride-worker')).toBeGreaterThan(restartsBefore);
    // Every ride that waited at the kill is in Postgres once (judge checks duplicates and aggregates).
    const after = await db.keys();
    expect(pendingAtKill.filter((k) => !after.has(k))).toEqual([]);
    expect(late.map((a) => `${a.key} ${a.status ?? a.error} ${a.latencyMs} ms`)).toEqual([]);
    expect(report.worstLatencyMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    expect(resumeMs).toBeLessThan(RESUME_BOUND_MS);
    expect(settled.pgSide).toBe(settled.poolSide);
    expect(settled.settledMs).toBeLessThan(HALF_OPEN_BOUND_MS);
  }, 150_000);
});
