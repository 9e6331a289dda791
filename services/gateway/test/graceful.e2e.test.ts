import { once } from 'node:events';
import { Agent, request } from 'node:http';
import { startTestStack, type TestStack, waitForReady } from '@skico/stack';
import { createFaultProxy, type FaultProxy, viaProxy, waitFor } from '@skico/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// SIGTERM to a process while rides flow through it: the requests it had accepted are answered (no 5xx, no
// connection cut under them; only new connections are refused), every ride answered 201 reaches Postgres,
// and the process exits within its grace period. A process cuts a request it took only when its grace
// period runs out (it then logs that its close did not finish); a connection error other than a refused
// connect must be a request it never answered (no "request completed" line with its request id).

const GRACE_MS = 5_000;
const CONCURRENCY = 8;

interface Sent {
  id: string;
  skierID: number;
  startedAt: number;
  endedAt?: number;
  status?: number;
  error?: string;
}

let stack: TestStack;
let db: pg.Client;
/** The worker's way to Postgres, to stop it with Postgres down. */
let workerPostgres: FaultProxy;

/** Posts rides to `baseUrl` from CONCURRENCY keep-alive connections until stopped; every attempt is recorded. */
function driveRides(baseUrl: string, label: string, firstSkier: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const sent: Sent[] = [];
  let running = true;
  const post = (r: Sent) =>
    new Promise<void>((resolve) => {
      const url = new URL(`/skiers/${1 + (r.skierID % 10)}/seasons/2025/days/1/skiers/${r.skierID}`, baseUrl);
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'x-request-id': r.id },
          timeout: 10_000,
        },
        (res) => {
          res.resume();
          res.once('end', () => {
            r.status = res.statusCode;
            r.endedAt = Date.now();
            resolve();
          });
        },
      );
      req.once('error', (err: NodeJS.ErrnoException) => {
        r.error = err.code ?? err.message;
        r.endedAt = Date.now();
        resolve();
      });
      req.end(JSON.stringify({ time: 1 + (r.skierID % 360), liftID: 1 + (r.skierID % 40) }));
    });
  const client = async () => {
    while (running) {
      const n = sent.length;
      const r: Sent = { id: `graceful-${label}-${n}`, skierID: firstSkier + n, startedAt: Date.now() };
      sent.push(r);
      await post(r);
      // A refused connection is answered at once: do not spin while the process is away.
      if (r.error) await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const clients = Array.from({ length: CONCURRENCY }, client);
  return {
    sent,
    stop: async () => {
      running = false;
      await Promise.all(clients);
      agent.destroy();
    },
  };
}

/** SIGTERMs a process of the stack and measures how long it takes to exit, and with which code. */
async function terminate(name: string) {
  const child = stack.supervisor.child(name);
  if (!child) throw new Error(`${name} is not running`);
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const signalledAt = Date.now();
  child.kill('SIGTERM');
  const [code, signal] = await exited;
  return { signalledAt, exitMs: Date.now() - signalledAt, code, signal };
}

/** Whether one of the processes answered a request: its completion line carries the request id. */
const answered = (processes: string[], id: string) =>
  stack
    .logs()
    .some(
      (line) =>
        processes.some((p) => line.startsWith(`${p}: `)) &&
        line.includes(`"${id}"`) &&
        line.includes('request completed'),
    );

/** The lines in which a process says its shutdown ran out of time. */
const graceExceeded = (process: string) =>
  stack.logs().filter((line) => line.startsWith(`${process}: `) && line.includes('within the grace period'));

async function persistedSkiers(first: number, last: number): Promise<Set<number>> {
  const { rows } = await db.query('SELECT skier_id FROM rides WHERE skier_id BETWEEN $1 AND $2', [first, last]);
  return new Set(rows.map((r) => Number(r.skier_id)));
}

/**
 * Load for a second, SIGTERM `target`, load on while it stops and restarts, then the checks every
 * scenario shares. `loggedBy` are the processes whose access logs show a request was answered.
 */
async function scenario(options: { target: string; via: string; loggedBy: string[]; firstSkier: number }) {
  const load = driveRides(stack.urlOf(options.via), options.target, options.firstSkier);
  await waitFor(() => load.sent.filter((r) => r.status === 201).length >= 200, {
    timeoutMs: 15_000,
    message: 'load flowing',
  });
  const stopped = await terminate(options.target);
  // Its last lines reach the stack through a pipe, after the exit.
  await waitFor(() => stack.logs().some((l) => l.startsWith(`${options.target}: `) && l.includes('"shut down"')), {
    timeoutMs: 2_000,
  }).catch(() => undefined);
  await waitForReady(stack.urlOf(options.target), 20_000);
  await waitFor(() => load.sent.filter((r) => r.status === 201 && r.startedAt > Date.now() - 500).length > 20, {
    timeoutMs: 10_000,
    message: 'load flowing again after the restart',
  });
  await load.stop();

  const { sent } = load;
  const inFlightAtSignal = sent.filter(
    (r) => r.startedAt <= stopped.signalledAt && (r.endedAt ?? 0) > stopped.signalledAt,
  );
  const failures = sent.filter((r) => r.status === undefined);
  // Connection failures other than a refused connect must be requests the process never answered.
  const cutAfterAnswer = failures.filter((r) => r.error !== 'ECONNREFUSED' && answered(options.loggedBy, r.id));
  const serverErrors = sent.filter((r) => (r.status ?? 0) >= 500);
  const ok = sent.filter((r) => r.status === 201);
  const summary = {
    sent: sent.length,
    created: ok.length,
    refused: failures.filter((r) => r.error === 'ECONNREFUSED').length,
    otherConnectionErrors: failures.filter((r) => r.error !== 'ECONNREFUSED').map((r) => r.error),
    inFlightAtSignal: inFlightAtSignal.length,
    inFlightAnswered201: inFlightAtSignal.filter((r) => r.status === 201).length,
    exitMs: stopped.exitMs,
  };
  console.log(`graceful ${options.target}: ${JSON.stringify(summary)}`);

  expect(stopped.code, `${options.target} exit code`).toBe(0);
  expect(stopped.exitMs).toBeLessThan(GRACE_MS);
  expect(serverErrors.map((r) => `${r.id} ${r.status}`)).toEqual([]);
  expect(cutAfterAnswer.map((r) => `${r.id} ${r.error}`)).toEqual([]);
  expect(graceExceeded(options.target)).toEqual([]);
  expect(inFlightAtSignal.length).toBeGreaterThan(0);

  // No delivery lost: every ride answered 201 is in Postgres once the worker drained the queue.
  const last = options.firstSkier + sent.length;
  let missing: number[] = [];
  await waitFor(
    async () => {
      const persisted = await persistedSkiers(options.firstSkier, last);
      missing = ok.map((r) => r.skierID).filter((s) => !persisted.has(s));
      return missing.length === 0;
    },
    { timeoutMs: 30_000, intervalMs: 250, message: `every 201 ride persisted (missing ${missing.length})` },
  );
  return summary;
}

beforeAll(async () => {
  workerPostgres = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } });
  stack = await startTestStack({
    // Every request the gateway and the lift-ride API take leaves a line with its request id.
    logLines: 200_000,
    settings: {
      extra: { SHUTDOWN_GRACE_MS: String(GRACE_MS) },
      rewrite: (name, env) => {
        if (name === 'gateway' || name === 'lift-ride') return { ...env, LOG_LEVEL: 'debug' };
        if (name === 'lift-ride-worker') {
          return { ...env, DATABASE_URL: viaProxy(env.DATABASE_URL as string, workerPostgres) };
        }
        return env;
      },
    },
  });
  db = new pg.Client({ connectionString: stack.databaseUrlOf('lift-ride') });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await workerPostgres?.close();
});

describe('graceful stop under load', () => {
  it('when the gateway gets SIGTERM, then what it accepted is answered, nothing is lost, and it exits in time', async () => {
    const summary = await scenario({ target: 'gateway', via: 'gateway', loggedBy: ['gateway'], firstSkier: 1_000_000 });
    expect(summary.inFlightAnswered201).toBeGreaterThan(0);
  });

  it('when the lift-ride API gets SIGTERM, then what it accepted is answered, nothing is lost, and it exits in time', async () => {
    const summary = await scenario({
      target: 'lift-ride',
      via: 'lift-ride',
      loggedBy: ['lift-ride'],
      firstSkier: 1_100_000,
    });
    expect(summary.inFlightAnswered201).toBeGreaterThan(0);
  });

  it('when the worker gets SIGTERM, then rides keep being accepted, every one reaches Postgres, and it exits in time', async () => {
    const summary = await scenario({
      target: 'lift-ride-worker',
      via: 'gateway',
      loggedBy: ['gateway'],
      firstSkier: 1_200_000,
    });
    // The worker is not on the request path: not one request failed.
    expect(summary.created).toBe(summary.sent);
  });

  it('when the worker gets SIGTERM while Postgres is down, then it returns its held batches and exits in time, and they persist once Postgres is back', async () => {
    await workerPostgres.blackhole();
    const load = driveRides(stack.gatewayUrl, 'held', 1_300_000);
    await waitFor(() => load.sent.filter((r) => r.status === 201).length >= 100, { timeoutMs: 15_000 });
    await load.stop();
    const holding = async () => {
      const res = await fetch(`${stack.urlOf('lift-ride-worker')}/health/deps`);
      const body = (await res.json()) as { dependencies: { consumer?: { status: string } } };
      return body.dependencies.consumer?.status === 'degraded';
    };
    await waitFor(holding, { timeoutMs: 10_000, message: 'the worker holding its batch' });

    const stopped = await terminate('lift-ride-worker');
    console.log(`graceful worker with Postgres down: ${JSON.stringify({ exitMs: stopped.exitMs })}`);
    expect(stopped.code).toBe(0);
    // Its pool's close waits for the query hung on the dead connection: the whole grace period at most,
    // well inside the orchestrator's (compose 15 s, Kubernetes 30 s).
    expect(stopped.exitMs).toBeLessThan(GRACE_MS + 1_000);

    await workerPostgres.pass();
    await waitForReady(stack.urlOf('lift-ride-worker'), 20_000);
    const ok = load.sent.filter((r) => r.status === 201);
    expect(ok.length).toBe(load.sent.length);
    const first = 1_300_000;
    await waitFor(
      async () => {
        const persisted = await persistedSkiers(first, first + load.sent.length);
        return ok.every((r) => persisted.has(r.skierID));
      },
      { timeoutMs: 30_000, intervalMs: 250, message: 'every ride persisted after Postgres returned' },
    );
  });
});
