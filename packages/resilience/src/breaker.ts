import { DependencyUnavailable, isAppError, isDependencyUnavailable } from '@skico/errors';
import { ATTR_DEPENDENCY, activeTracer, inChildSpan, SpanKind } from '@skico/tracing';
import CircuitBreaker from 'opossum';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** The dependency's name: it appears in errors, health and metrics. */
  name: string;
  /** Longest a call may take, unless the call asks for less (its remaining deadline). */
  timeoutMs: number;
  /** Failure percentage over the rolling window that opens the circuit. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage counts, so that one early failure does not open it. */
  volumeThreshold: number;
  /** How long the circuit stays open before one trial call is let through (half-open). */
  resetTimeoutMs: number;
  /** Calls in flight at most: the bulkhead. Further calls are refused at once. */
  capacity: number;
  /** Length of the rolling window, in ms. */
  rollingWindowMs: number;
  /** Errors that say nothing about the dependency's health (a 404, a constraint violation) do not count. */
  isHealthy?: (error: unknown) => boolean;
}

export interface Breaker {
  name: string;
  /**
   * Runs a call to the dependency. The call receives an AbortSignal that fires when its time is up, so the
   * abandoned work is really cancelled.
   * @throws DependencyUnavailable when the circuit is open, the bulkhead is full, the call timed out or
   * failed in a way that counts against the dependency; other errors are passed through as they are.
   */
  run: <T>(call: (signal: AbortSignal) => Promise<T>, options?: { timeoutMs?: number }) => Promise<T>;
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
  isAppError(error) && !isDependencyUnavailable(error) && error.kind !== 'internal';

/** One circuit breaker with a bulkhead for one dependency; create it once per process, never per request. */
export function createBreaker(options: BreakerOptions): Breaker {
  let inFlight = 0;
  const isHealthy = options.isHealthy ?? defaultHealthy;
  const circuit = new CircuitBreaker(
    // One promise per call, settled by the call or by its timer, whichever comes first; the timer also
    // aborts the call's signal, so that the abandoned work stops.
    (call: (signal: AbortSignal) => Promise<unknown>, timeoutMs: number) =>
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
      errorThresholdPercentage: options.errorThresholdPercentage,
      volumeThreshold: options.volumeThreshold,
      resetTimeout: options.resetTimeoutMs,
      capacity: options.capacity,
      rollingCountTimeout: options.rollingWindowMs,
      rollingCountBuckets: 10,
      // Off: opossum would keep every call's latency over the window and sort them all each time a bucket
      // turns (tens of thousands a second under load), for percentiles and snapshots nothing reads. The
      // processes' histograms measure latency.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => isHealthy(error),
    },
  );

  const translate = (error: unknown): never => {
    const code = (error as { code?: string }).code;
    if (code === 'EOPENBREAKER') throw new DependencyUnavailable(options.name, 'open', { cause: error });
    if (code === 'ESEMLOCKED') throw new DependencyUnavailable(options.name, 'full', { cause: error });
    if (code === 'ESHUTDOWN') throw new DependencyUnavailable(options.name, 'shutdown', { cause: error });
    if (error instanceof CallTimeout) throw new DependencyUnavailable(options.name, 'timeout', { cause: error });
    if (isHealthy(error) || isDependencyUnavailable(error)) throw error;
    throw new DependencyUnavailable(options.name, 'failed', { cause: error });
  };

  const run = async <T>(call: (signal: AbortSignal) => Promise<T>, runOptions: { timeoutMs?: number } = {}) => {
    const timeoutMs = Math.max(1, Math.min(options.timeoutMs, runOptions.timeoutMs ?? options.timeoutMs));
    try {
      return (await circuit.fire(call, timeoutMs)) as T;
    } catch (error) {
      return translate(error);
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
      ? <T>(call: (signal: AbortSignal) => Promise<T>, runOptions?: { timeoutMs?: number }) =>
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
