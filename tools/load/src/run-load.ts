import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Attempt } from './http-client.ts';
import { createRecorder, type Recorder } from './recorder.ts';
import { defaultRetryPolicy, type RetryPolicy, sendWithRetry } from './retry.ts';
import type { RequestDescriptor, Ride } from './workloads.ts';

export type LoadModel = 'closed' | 'open';

export interface RunOptions {
  requests: Generator<RequestDescriptor>;
  send: (req: RequestDescriptor) => Promise<Attempt>;
  model: LoadModel;
  /** Closed model: concurrent clients. */
  clients: number;
  /** Open model: arrivals per second. */
  rate?: number;
  /** Stop after this many requests ... */
  count?: number;
  /** ... or after this many milliseconds, whichever comes first. */
  durationMs?: number;
  /** Open model: requests beyond this many in flight are dropped (counted) instead of piling up without end. */
  maxInFlight?: number;
  retry?: RetryPolicy;
  /** Called with each lift ride the target accepted (201), for the drain check. */
  onAccepted?: (ride: Ride) => void;
  /** Stops issuing requests; those in flight still complete. */
  signal?: AbortSignal;
}

/** What a runner hands back; the recorder holds every completion. */
export interface RunState {
  recorder: Recorder;
  retries: number;
  /** Retried attempts by their status ('no-answer' for network errors and timeouts). */
  retriedStatuses: Record<string, number>;
  dropped: number;
  startedAt: number;
  elapsedMs: number;
}

/** Live view of a run for the progress bar. */
export interface RunProgress {
  recorder: Recorder;
  retries: () => number;
  startedAt: number;
  done: Promise<RunState>;
}

/**
 * Runs a workload. Closed model: `clients` workers, each sending its next request when the previous one
 * completes; latency runs from the send. Open model: arrivals on a fixed schedule whatever the target
 * does, and latency runs from the SCHEDULED start, so a stalled target shows up as latency instead of
 * silently slowing the client down (coordinated omission).
 */
export function runLoad(options: RunOptions): RunProgress {
  const recorder = createRecorder();
  const policy = options.retry ?? defaultRetryPolicy;
  const startedAt = performance.now();
  const deadline = options.durationMs === undefined ? Number.POSITIVE_INFINITY : startedAt + options.durationMs;
  const limit = options.count ?? Number.POSITIVE_INFINITY;
  let issued = 0;
  let retries = 0;
  let dropped = 0;
  const retriedStatuses: Record<string, number> = {};
  const onRetry = (status: number) => {
    const key = status === 0 ? 'no-answer' : String(status);
    retriedStatuses[key] = (retriedStatuses[key] ?? 0) + 1;
  };

  const next = (): RequestDescriptor | undefined => {
    if (issued >= limit || performance.now() >= deadline || options.signal?.aborted) return undefined;
    issued++;
    return options.requests.next().value as RequestDescriptor;
  };
  const execute = async (req: RequestDescriptor, from: number) => {
    const { attempt, retries: n } = await sendWithRetry(options.send, req, policy, onRetry);
    const end = performance.now();
    retries += n;
    const ok = req.expect.includes(attempt.status);
    recorder.record(end - startedAt, end - from, attempt.status, !ok);
    if (attempt.status === 201 && req.ride) options.onAccepted?.(req.ride);
  };

  const closed = async () => {
    const worker = async () => {
      for (let req = next(); req; req = next()) await execute(req, performance.now());
    };
    await Promise.all(Array.from({ length: options.clients }, worker));
  };

  const open = async () => {
    const rate = options.rate;
    if (!rate || rate <= 0) throw new Error('the open model needs a positive rate');
    const interval = 1000 / rate;
    const maxInFlight = options.maxInFlight ?? 10_000;
    const inFlight = new Set<Promise<void>>();
    let sinceYield = 0;
    for (let i = 0; ; i++) {
      const scheduled = startedAt + i * interval;
      const wait = scheduled - performance.now();
      // Timers are coarse (~1 ms): arrivals already due go out in one batch, each timed from its own slot,
      // never before it. A client that falls behind still yields now and then so answers get read.
      if (wait > 0) {
        await sleep(wait);
        sinceYield = 0;
      } else if (++sinceYield >= 64) {
        await new Promise((resolve) => setImmediate(resolve));
        sinceYield = 0;
      }
      if (scheduled >= deadline) break;
      const req = next();
      if (!req) break;
      if (inFlight.size >= maxInFlight) {
        dropped++;
        continue;
      }
      const p = execute(req, scheduled).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    await Promise.all(inFlight);
  };

  const done = (options.model === 'open' ? open() : closed()).then(() => ({
    recorder,
    retries,
    retriedStatuses,
    dropped,
    startedAt,
    elapsedMs: performance.now() - startedAt,
  }));
  return { recorder, retries: () => retries, startedAt, done };
}
