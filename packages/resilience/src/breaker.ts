import { DependencyUnavailable, isAppError, isDependencyUnavailable } from '@skico/errors';
import { ATTR_DEPENDENCY, activeTracer, inChildSpan, SpanKind } from '@skico/tracing';
import CircuitBreaker from 'opossum';
import { DeadlineExceeded, isDeadline } from './deadline.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** The dependency's name: it appears in errors, health and metrics. */
  name: string;
  /**
   * The dependency's own timeout: longest a call may take. A call that had this long (or what its caller
   * allows by its own measure, if less) and did not answer counts against the dependency.
   */
  timeoutMs: number;
  /** Failure percentage over the rolling window that opens the circuit. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage counts, so that one early failure does not open it. */
  volumeThreshold: number;
  /** How long the circuit stays open before one trial call is let through (half-open). */
  resetTimeoutMs: number;
  /** Calls in flight at most: the bulkhead. Further calls are refused at once and count as nothing. */
  capacity: number;
  /** Length of the rolling window, in ms. */
  rollingWindowMs: number;
  /** Errors that say nothing about the dependency's health (a 404, a constraint violation) do not count. */
  isHealthy?: (error: unknown) => boolean;
  /** A call with less than this left of its request's budget is refused at once (504), not started. */
  minBudgetMs?: number;
}

export interface RunOptions {
  /** The longest this call may take by its caller's own measure; the breaker's timeoutMs caps it. */
  timeoutMs?: number;
  /**
   * What is left of the request's deadline, which the client may have shortened. When it is the shorter
   * limit, the call is the client's: running out of it answers DeadlineExceeded (504) and counts neither
   * for nor against the dependency, and such a call never takes the half-open circuit's one trial.
   */
  budgetMs?: number;
}

/** Below this, no call finishes: a hop alone takes about a millisecond on a quiet machine. */
const DEFAULT_MIN_BUDGET_MS = 10;

export interface Breaker {
  name: string;
  /**
   * Runs a call to the dependency. The call receives an AbortSignal that fires when its time is up, so the
   * abandoned work is really cancelled.
   * @throws DependencyUnavailable when the circuit is open, the bulkhead is full, the call timed out or
   * failed in a way that counts against the dependency; DeadlineExceeded when the request's budget was too
   * short; other errors are passed through as they are.
   */
  run: <T>(call: (signal: AbortSignal) => Promise<T>, options?: RunOptions) => Promise<T>;
  state: () => BreakerState;
  /** Calls in flight now. */
  inFlight: () => number;
  on: (event: 'open' | 'halfOpen' | 'close' | 'reject' | 'semaphoreLocked', listener: () => void) => void;
  shutdown: () => void;
}

class CallTimeout extends Error {
  override name = 'CallTimeout';
}

/** By default only 4xx-like AppErrors are healthy: the dependency answered, the request was at fault. */
const defaultHealthy = (error: unknown) =>
  isAppError(error) && !isDependencyUnavailable(error) && error.kind !== 'internal' && error.kind !== 'timeout';

/** Time ran out for a call that the request's budget, not the dependency's timeout, bounded. */
const outOfBudget = (error: unknown, short: boolean) => short && (error instanceof CallTimeout || isDeadline(error));

/** One circuit breaker with a bulkhead for one dependency; create it once per process, never per request. */
export function createBreaker(options: BreakerOptions): Breaker {
  let inFlight = 0;
  const isHealthy = options.isHealthy ?? defaultHealthy;
  const minBudgetMs = options.minBudgetMs ?? DEFAULT_MIN_BUDGET_MS;
  const circuit = new CircuitBreaker(
    // One promise per call, settled by the call or by its timer, whichever comes first; the timer also
    // aborts the call's signal, so that the abandoned work stops. `short`: see outOfBudget.
    (call: (signal: AbortSignal) => Promise<unknown>, timeoutMs: number, _short: boolean) =>
      new Promise<unknown>((resolve, reject) => {
        const controller = new AbortController();
        let settled = false;
        const settle = () => {
          if (settled) return false;
          settled = true;
          inFlight -= 1;
          clearTimeout(timer);
          return true;
        };
        const timer = setTimeout(() => {
          const error = new CallTimeout(`${options.name}: no answer within ${timeoutMs} ms`);
          if (settle()) reject(error);
          controller.abort(error);
        }, timeoutMs);
        inFlight += 1;
        const done = (value: unknown) => {
          if (settle()) resolve(value);
        };
        const failed = (error: unknown) => {
          if (settle()) reject(error);
        };
        try {
          call(controller.signal).then(done, failed);
        } catch (error) {
          failed(error);
        }
      }),
    {
      name: options.name,
      // The timeout is ours (per call, with an AbortSignal); opossum's would abort every call at once.
      timeout: false,
      // The bulkhead is ours too (run below): opossum counts the calls its semaphore refuses as failures.
      capacity: Number.MAX_SAFE_INTEGER,
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingWindowMs,
      rollingCountBuckets: 10,
      // Off: opossum would keep every call's latency over the window and sort them all each time a bucket
      // turns (tens of thousands a second under load), for percentiles and snapshots nothing reads. The
      // processes' histograms measure latency.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      // opossum passes the call's arguments after the error; its types leave them out.
      errorFilter: ((error: unknown, _call: unknown, _timeoutMs: number, short: boolean) =>
        isHealthy(error) || outOfBudget(error, short)) as (error: unknown) => boolean,
    },
  );

  // opossum can leave no call out of its window: an out-of-budget call was counted as fired and, through
  // the error filter, as a success. Both are taken back, so that a flood of short budgets can neither open
  // the circuit nor hold it closed by diluting real failures.
  // The bucket is the one the call was counted in, taken when it was fired: the window may have turned since.
  type Bucket = { fires: number; successes: number };
  const forget = (bucket: Bucket | undefined) => {
    if (!bucket) return;
    bucket.fires -= 1;
    bucket.successes -= 1;
  };

  const translate = (error: unknown, short: boolean, bucket?: Bucket): never => {
    const code = (error as { code?: string }).code;
    if (code === 'EOPENBREAKER') throw new DependencyUnavailable(options.name, 'open', { cause: error });
    if (code === 'ESHUTDOWN') throw new DependencyUnavailable(options.name, 'shutdown', { cause: error });
    if (outOfBudget(error, short)) {
      forget(bucket);
      if (isAppError(error) && error.kind === 'timeout') throw error;
      throw new DeadlineExceeded(options.name, { cause: error });
    }
    if (error instanceof CallTimeout) throw new DependencyUnavailable(options.name, 'timeout', { cause: error });
    if (isHealthy(error) || isDependencyUnavailable(error)) throw error;
    throw new DependencyUnavailable(options.name, 'failed', { cause: error });
  };

  const run = async <T>(call: (signal: AbortSignal) => Promise<T>, runOptions: RunOptions = {}) => {
    const ownMs = Math.max(1, Math.min(options.timeoutMs, runOptions.timeoutMs ?? options.timeoutMs));
    const budgetMs = runOptions.budgetMs ?? Number.POSITIVE_INFINITY;
    // Work that cannot finish in time is not started: it would only load the dependency.
    if (budgetMs < minBudgetMs) throw new DeadlineExceeded(options.name);
    const short = budgetMs < ownMs;
    // The one trial of a half-open circuit is kept for a call that has the dependency's whole time.
    if (short && circuit.halfOpen && circuit.pendingClose) throw new DependencyUnavailable(options.name, 'open');
    if (inFlight >= options.capacity) {
      circuit.emit('semaphoreLocked');
      throw new DependencyUnavailable(options.name, 'full');
    }
    const bucket = short ? (circuit.status.window[0] as Bucket | undefined) : undefined;
    try {
      return (await circuit.fire(call, short ? budgetMs : ownMs, short)) as T;
    } catch (error) {
      return translate(error, short, bucket);
    }
  };

  // Decided once: with tracing off, run is the bare call. Within a trace, each guarded call is a span named
  // after the dependency, failed when the dependency is (open, full, timeout, failed), and the active span
  // while the call runs, so that an HTTP call or a publish inside it nests under it.
  const tracer = activeTracer();
  const spanOptions = {
    kind: SpanKind.INTERNAL,
    attributes: { [ATTR_DEPENDENCY]: options.name },
    activate: true,
    failed: isDependencyUnavailable,
    errorType: (error: unknown) => (isDependencyUnavailable(error) ? error.reason : undefined),
  };

  return {
    name: options.name,
    run: tracer
      ? <T>(call: (signal: AbortSignal) => Promise<T>, runOptions?: RunOptions) =>
          inChildSpan(tracer, options.name, spanOptions, () => run(call, runOptions))
      : run,
    state: () => (circuit.opened ? 'open' : circuit.halfOpen ? 'half-open' : 'closed'),
    inFlight: () => inFlight,
    on: (event, listener) => {
      circuit.on(event as 'open', listener);
    },
    shutdown: () => circuit.shutdown(),
  };
}
