import { createHistory, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, sendRides } from '../pipeline-kit.ts';
import { DEADLINE_MS, judge, type LabStack, lateAnswers, MARGIN_MS, metric, since, startLabStack } from './net-kit.ts';

let env: LabStack;

beforeAll(async () => {
  env = await startLabStack({ scale: { worker: 3 } });
}, 120_000);
afterAll(async () => {
  // A paused worker would only stop by SIGKILL after the supervisor's grace period.
  env?.stack.supervisor.child(PAUSED)?.kill('SIGCONT');
  await env?.stop();
});

const PAUSED = 'lift-ride-worker-2';
/** Far longer than the AMQP heartbeat (5 s, two missed ones close the connection) and the pool's 10 s idle-in-transaction limit. */
const PAUSE_MS = 70_000;
/**
 * The broker must have handed the paused worker's deliveries to the others within this after the stop:
 * missed 5 s heartbeats close the connection (measured: 12.9 and 13.6 s), plus headroom for the load of
 * two shared cores.
 */
const REDELIVERY_BOUND_MS = 30_000;
/**
 * After SIGCONT the resumed worker must be committing new deliveries within this: it finds its connection
 * closed at once, reconnects and is given new deliveries. Measured: reconnected in 0.15 s, a new delivery
 * committed in 0.35 s; the bound leaves room for the reconnect backoff's longest step (5 s) and the
 * shared cores.
 */
const RESUME_BOUND_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a worker paused (SIGSTOP) longer than the heartbeats of its dependencies', () => {
  it('has its deliveries redelivered to the other workers, doubles nothing when it resumes, and works again', async () => {
    const { stack, db } = env;
    const workers = stack.replicas('lift-ride-worker');
    expect(workers.map((w) => w.name)).toContain(PAUSED);
    const others = workers.filter((w) => w.name !== PAUSED);
    const pausedUrl = stack.opsUrlOf(PAUSED);
    const acks = (url: string) => metric(url, 'skico_worker_messages_total', 'outcome="ack"');
    const redeliveredToOthers = async () => {
      let sum = 0;
      for (const w of others) sum += await metric(w.opsUrl, 'skico_worker_redelivered_total');
      return sum;
    };

    const history = createHistory();
    let sending = true;
    // A moderate, steady flow: four clients, each pausing 50 ms between rides.
    const flow = sendRides(stack, distinctRides(30_000, 1806), history, {
      clients: 4,
      pauseMs: 50,
      attemptTimeoutMs: 10_000,
      stop: () => !sending,
    });
    // Every worker has committed deliveries: the paused one holds a share of the queue's consumers.
    await waitFor(async () => (await Promise.all(workers.map((w) => acks(w.opsUrl)))).every((n) => n > 20), {
      timeoutMs: 30_000,
      message: 'not every worker is consuming',
    });

    const child = stack.supervisor.child(PAUSED);
    const pid = child?.pid;
    expect(pid).toBeDefined();
    const redeliveredBefore = await redeliveredToOthers();
    const ackedBeforeStop = new Set(history.acknowledged());
    const acksAtStop = await acks(pausedUrl);
    child?.kill('SIGSTOP');
    const stoppedAt = Date.now();

    // While it is paused: the others take over what the broker had given it.
    let redeliveredAfterMs: number | undefined;
    while (Date.now() - stoppedAt < PAUSE_MS - 5_000) {
      if (redeliveredAfterMs === undefined && (await redeliveredToOthers()) > redeliveredBefore) {
        redeliveredAfterMs = since(stoppedAt);
      }
      await sleep(500);
    }
    const redeliveredDuring = (await redeliveredToOthers()) - redeliveredBefore;
    // Every ride answered 201 up to 10 s before the resume is in Postgres while the worker is still paused,
    // including those the broker had pushed to it: nothing waits for the paused worker.
    const cutoff = Date.now() - 10_000;
    const ackedEarly = history
      .attempts()
      .filter((a) => a.status === 201 && a.startedAt + a.latencyMs < cutoff)
      .map((a) => a.key);
    const keysWhilePaused = await db.keys();
    const missingWhilePaused = ackedEarly.filter((k) => !keysWhilePaused.has(k));
    const ackedDuringPause = ackedEarly.filter((k) => !ackedBeforeStop.has(k)).length;
    await sleep(Math.max(0, PAUSE_MS - since(stoppedAt)));

    const pausedMs = since(stoppedAt);
    const connectionsAtResume = env.network.amqp[0]?.proxy.stats().accepted ?? 0;
    child?.kill('SIGCONT');
    const resumedAt = Date.now();
    // The resumed worker finds its connection closed by the broker and opens a new one (the only process
    // that connects anew: the API and the other workers keep theirs).
    await waitFor(async () => (env.network.amqp[0]?.proxy.stats().accepted ?? 0) > connectionsAtResume, {
      timeoutMs: 60_000,
      intervalMs: 50,
      message: 'the resumed worker never connected to the broker again',
    });
    const reconnectMs = since(resumedAt);
    // What it committed between the resume and the new connection is its stale batch (deliveries of the
    // closed channel, already redelivered): the natural key makes that write count nothing twice, and the
    // judge checks that it did not. Anything it commits from now on came on the new channel.
    const acksAtReconnect = await acks(pausedUrl);
    const staleAcks = acksAtReconnect - acksAtStop;
    await waitFor(async () => (await acks(pausedUrl)) > acksAtReconnect, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: 'the resumed worker never committed a new delivery',
    });
    const resumeMs = since(resumedAt);
    await sleep(3_000);
    sending = false;
    await flow;

    const late = lateAnswers(history);
    const report = await judge('worker pause', history, db, {
      pausedMs,
      redeliveredDuring,
      redeliveredAfterMs,
      ackedDuringPause,
      missingWhilePaused: missingWhilePaused.length,
      reconnectMs,
      staleAcks,
      resumeMs,
      late: late.length,
    });
    // The fault landed: the same process was paused and resumed (not restarted), and the broker redelivered
    // the deliveries it held to the other workers within the heartbeat's reach.
    expect(stack.supervisor.child(PAUSED)?.pid).toBe(pid);
    expect(stack.supervisor.restarts(PAUSED)).toBe(0);
    expect(redeliveredDuring).toBeGreaterThan(0);
    expect(redeliveredAfterMs).toBeLessThan(REDELIVERY_BOUND_MS);
    expect(ackedDuringPause).toBeGreaterThan(500);
    expect(missingWhilePaused).toEqual([]);
    // When the pause caught the worker with a batch in hand, it wrote that batch after resuming (deliveries
    // already redelivered and written by the others): the case that could count rides twice. Whether it did
    // depends on where the signal landed (staleAcks was 0 in one run of five, the worker then between
    // batches), so it is printed, not required; the judge above found nothing counted twice either way.
    // The API does not depend on the worker: every answer within the deadline.
    expect(late.map((a) => `${a.key} ${a.status ?? a.error} ${a.latencyMs} ms`)).toEqual([]);
    expect(report.worstLatencyMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    expect(resumeMs).toBeLessThan(RESUME_BOUND_MS);
  }, 180_000);
});
