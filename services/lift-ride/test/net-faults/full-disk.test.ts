import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHistory, type PostgresServer, startPostgres, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, liftRideDb, sendRides } from '../pipeline-kit.ts';
import { DEADLINE_MS, judge, type LabStack, lateAnswers, MARGIN_MS, metric, since, startLabStack } from './net-kit.ts';

/** The small filesystem of the test's Postgres: its data (and WAL) and nothing else but the filler. */
const DISK_SIZE = '256m';

let mountDir: string | undefined;
let mounted = false;
let pg: PostgresServer | undefined;
let env: LabStack | undefined;
const fillerPath = () => join(mountDir as string, 'filler');

beforeAll(async () => {
  mountDir = mkdtempSync(join(tmpdir(), 'skico-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK_SIZE},mode=0755`, 'tmpfs', mountDir]);
  mounted = true;
  // Log times in UTC, so that the test can place the PANIC among its own phases.
  pg = await startPostgres({ dataDir: join(mountDir, 'data'), settings: ["log_timezone = 'UTC'"] });
  env = await startLabStack({ settings: { postgres: `127.0.0.1:${pg.port}` }, adminUrl: pg.url() });
}, 180_000);

afterAll(async () => {
  // Space first, then a running server, so that the stack can drop its database.
  if (mountDir) rmSync(fillerPath(), { force: true });
  if (pg && !(await pg.running())) await pg.start().catch(() => undefined);
  await env?.stop().catch((err) => console.error('stack stop failed', err));
  await pg?.close();
  if (mounted && mountDir) execFileSync('umount', [mountDir]);
  if (mountDir) rmSync(mountDir, { recursive: true, force: true });
}, 120_000);

/** Writes zeros into `path` until the filesystem has no byte left; returns how many it wrote. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const chunk of [Buffer.alloc(1 << 20), Buffer.alloc(4096)]) {
      for (;;) {
        try {
          bytes += writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return bytes;
}

/**
 * Once space returns and the operator has restarted Postgres, every ride answered 201 must be in Postgres
 * within this (counted from the moment space returned): the pools reconnect, the worker's held batch goes
 * through and the queue drains. Measured: 1.0 and 2.9 s (the restart itself about 0.2 s); the bound leaves
 * headroom for the breakers' half-open probes and two shared cores.
 */
const RECOVERY_BOUND_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Read {
  at: number;
  status: number | string;
  latencyMs: number;
}

describe("a full disk under the test's own Postgres", () => {
  it('answers no ride 201 that is neither committed nor queued, and recovers when space returns', async () => {
    if (!env || !pg || !mountDir) throw new Error('no stack');
    const { lab, stack, db, network } = env;
    const server = pg;
    const api = stack.urlOf('lift-ride');
    const history = createHistory();
    let sending = true;
    // A steady flow: four clients, each pausing 30 ms between rides.
    const flow = sendRides(stack, distinctRides(30_000, 1808), history, {
      clients: 4,
      pauseMs: 30,
      attemptTimeoutMs: 10_000,
      stop: () => !sending,
    });
    // Reads of skier-days that have rides, all along: what a reader sees in each phase.
    const reads: Read[] = [];
    const reading = (async () => {
      while (sending) {
        const acked = history.acknowledged();
        const key = acked[Math.floor(Math.random() * acked.length)];
        if (key) {
          const [resort, day, skier] = key.split(':');
          const t = Date.now();
          const status = await fetch(`${stack.gatewayUrl}/skiers/${resort}/seasons/2025/days/${day}/skiers/${skier}`, {
            signal: AbortSignal.timeout(10_000),
          })
            .then(async (res) => {
              await res.arrayBuffer();
              return res.status;
            })
            .catch((err: Error) => err.name);
          reads.push({ at: t, status, latencyMs: Date.now() - t });
        }
        await sleep(100);
      }
    })();
    const publishes = (outcome: string) => metric(api, 'skico_publishes_total', `outcome="${outcome}"`);
    await waitFor(async () => (await db.count()) > 300, { timeoutMs: 30_000, message: 'rides are not flowing' });

    // Phase 1: the disk is full; Postgres runs, but a write that needs a new page fails (53100 disk_full).
    // A fresh WAL segment first, so that the WAL does not run out during this phase by chance.
    await server.sql('SELECT pg_switch_wal()');
    await sleep(1_000);
    const filled = fillDisk(fillerPath());
    const fullAt = Date.now();
    // Writes stop committing: the rides table stops growing while rides are still answered.
    let lastCount = await db.count();
    let stableSince = Date.now();
    await waitFor(
      async () => {
        const n = await db.count();
        if (n !== lastCount) {
          lastCount = n;
          stableSince = Date.now();
        }
        return Date.now() - stableSince > 3_000;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'writes kept committing on a full disk' },
    );
    const blockedAfterMs = since(fullAt) - 3_000;
    const ackedAtBlock = history.acknowledged().length;
    await sleep(5_000);
    const queuedWhileFull = history.acknowledged().length - ackedAtBlock;
    // Rides answered 201 and not in Postgres: confirmed by the broker, they wait in the queue.
    const keysWhileFull = await db.keys();
    const waitingWhileFull = history.acknowledged().filter((k) => !keysWhileFull.has(k)).length;

    // Phase 1b: the API cut from the broker, so that rides take the fallback: its direct write cannot commit
    // either, and the ride is answered 503, never 201.
    const fallbackBefore = await publishes('fallback');
    const failedBefore = await publishes('failed');
    const cut = await lab.partition(network.host('lift-ride'), network.amqp[0] as never);
    const cutAt = Date.now();
    await sleep(15_000);
    const dropped = await cut.hits();
    const fallbackWritten = (await publishes('fallback')) - fallbackBefore;
    const publishFailed = (await publishes('failed')) - failedBefore;
    const refusedDuringCut = history
      .attempts()
      .filter((a) => a.startedAt > cutAt + DEADLINE_MS && a.status === 503).length;
    const createdDuringCut = history.attempts().filter((a) => a.startedAt > cutAt + DEADLINE_MS && a.status === 201);
    // With the broker cut off, a ride whose attempt began after the cut can be answered 201 only by a fallback
    // write that committed: a full disk stops the writes that must grow a file, and a row that still fits the
    // current WAL segment and a page with room commits (0 to 4 rides a run). Each such ride is in Postgres.
    const keysDuringCut = await db.keys();
    const createdNotCommitted = history
      .attempts()
      .filter((a) => a.startedAt >= cutAt && a.status === 201 && !keysDuringCut.has(a.key));
    await cut.heal();
    const healedAt = Date.now();
    const confirmedAtHeal = await publishes('confirmed');
    await waitFor(async () => (await publishes('confirmed')) > confirmedAtHeal, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: 'the API never published through the broker again',
    });
    const republishMs = since(healedAt);

    // Phase 2: the WAL cannot grow either. Postgres 15 PANICs when it cannot create the next WAL segment;
    // its crash recovery then fails for the same reason and the postmaster shuts down: Postgres stays down
    // until an operator frees space and starts it. The rides' failed attempts fill the current segment
    // slowly; a segment switch brings the moment forward (measured: the first switch does it, switches 0).
    let switches = 0;
    for (; switches < 200; switches++) {
      const alive = await server
        .sql('SELECT txid_current(); SELECT pg_switch_wal()')
        .then(() => true)
        .catch(() => false);
      if (!alive) break;
    }
    await waitFor(async () => !(await server.running()), {
      timeoutMs: 30_000,
      message: 'Postgres kept running without room for its WAL',
    });
    const downAt = Date.now();
    const log = readFileSync(server.logFile, 'utf8');
    const panicLine = /^(\S+ \S+) UTC \[\d+\] PANIC: .*No space left on device.*$/m.exec(log);
    const panicAt = panicLine ? Date.parse(`${panicLine[1]?.replace(' ', 'T')}Z`) : Number.NaN;
    const shutDown = /shutting down due to startup process failure/.test(log);
    const ackedAtDown = history.acknowledged().length;
    await sleep(8_000);
    const queuedWhileDown = history.acknowledged().length - ackedAtDown;

    // Phase 3: space returns; Postgres does not come back by itself, so the operator starts it (crash
    // recovery replays the WAL), and the system catches up on its own.
    rmSync(fillerPath());
    const freedAt = Date.now();
    await server.start();
    const restartMs = since(freedAt);
    // The observer's own connection died with the server; it opens a new one, as the services do.
    const after = await liftRideDb(stack);
    try {
      const ackedAtFree = history.acknowledged();
      await waitFor(
        async () => {
          const keys = await after.keys();
          return ackedAtFree.every((k) => keys.has(k));
        },
        { timeoutMs: 120_000, intervalMs: 250, message: 'the rides answered 201 never reached Postgres' },
      );
      const recoveryMs = since(freedAt);
      await sleep(3_000);
      sending = false;
      await Promise.all([flow, reading]);

      const late = lateAnswers(history);
      const lateReads = reads.filter((r) => r.latencyMs > DEADLINE_MS + MARGIN_MS);
      const readsIn = (from: number, to: number) => {
        const counts: Record<string, number> = {};
        for (const r of reads.filter((r) => r.at >= from && r.at < to)) counts[r.status] = (counts[r.status] ?? 0) + 1;
        return counts;
      };
      // Reads while the disk is full and Postgres still runs (until the cut, or the PANIC if sooner).
      const readsFull = readsIn(fullAt, Math.min(cutAt, panicAt));
      const readsDown = readsIn(downAt, freedAt);
      const report = await judge('full disk', history, after, {
        filledMB: Math.round(filled / 2 ** 20),
        blockedAfterMs,
        queuedWhileFull,
        waitingWhileFull,
        droppedPackets: dropped,
        fallbackWritten,
        publishFailed,
        refusedDuringCut,
        createdDuringCut: createdDuringCut.length,
        republishMs,
        switches,
        panicAfterFullMs: panicAt - fullAt,
        panicBeforeCut: panicAt < cutAt,
        panic: panicLine?.[0].slice(0, 160),
        shutDown,
        queuedWhileDown,
        restartMs,
        recoveryMs,
        readsFull,
        readsDown,
        late: late.length,
        lateReads: lateReads.length,
      });

      // The fault landed: writes stopped committing on the full disk while rides were answered (into the
      // queue), and Postgres went down when its WAL could not grow.
      expect(queuedWhileFull).toBeGreaterThan(20);
      expect(waitingWhileFull).toBeGreaterThanOrEqual(queuedWhileFull);
      expect(panicAt).toBeGreaterThan(fullAt);
      expect(shutDown).toBe(true);
      expect(queuedWhileDown).toBeGreaterThan(20);
      // The fallback could not commit, and said so: 503, never a 201 for a ride it did not write.
      expect(dropped).toBeGreaterThan(0);
      expect(publishFailed).toBeGreaterThan(0);
      expect(refusedDuringCut).toBeGreaterThan(0);
      expect(createdNotCommitted.map((a) => `${a.key} ${a.latencyMs} ms`)).toEqual([]);
      // Reads: a full disk leaves them to Postgres (it reads fine); with Postgres down, the cache or 503.
      expect(Object.keys(readsFull).filter((s) => s !== '200' && s !== '404')).toEqual([]);
      expect(Object.keys(readsDown).filter((s) => s !== '200' && s !== '404' && s !== '503')).toEqual([]);
      expect(readsDown['503'] ?? 0).toBeGreaterThan(0);
      // Every answer, write or read, within the deadline.
      expect(late.map((a) => `${a.key} ${a.status ?? a.error} ${a.latencyMs} ms`)).toEqual([]);
      expect(report.worstLatencyMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
      expect(lateReads.map((r) => `${r.status} ${r.latencyMs} ms`)).toEqual([]);
      expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
    } finally {
      await after.close();
    }
  }, 240_000);
});
