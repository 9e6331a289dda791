import { AppError } from '@skico/errors';
import { pathOf, type Stage } from './stages.ts';

export interface SheddingOptions {
  /** Requests in progress at most; the next one is refused at once. */
  maxInFlight: number;
  /** Event-loop lag above which new requests are refused: the process is already behind. */
  maxLagMs: number;
}

export interface LoadShedder {
  middleware: Stage;
  inFlight: () => number;
  lagMs: () => number;
  shed: () => number;
  stop: () => void;
}

const SAMPLE_MS = 50;

/**
 * Refuses new requests with 503 and Retry-After when too many are in progress or the event loop lags:
 * overload is answered at once instead of by timeouts. The probes (/health/live, /health/ready) and
 * /metrics are never shed, so that an overloaded process is seen as such; /health/deps, which asks every
 * dependency, is.
 */
export function createLoadShedder(options: SheddingOptions): LoadShedder {
  let inFlight = 0;
  let lag = 0;
  let shed = 0;
  let expected = performance.now() + SAMPLE_MS;
  // Lag is how late this timer fires; it decays so that one stall does not shed for long.
  const timer = setInterval(() => {
    const now = performance.now();
    lag = Math.max(now - expected, lag * 0.5);
    expected = now + SAMPLE_MS;
  }, SAMPLE_MS);
  timer.unref();

  return {
    inFlight: () => inFlight,
    lagMs: () => lag,
    shed: () => shed,
    stop: () => clearInterval(timer),
    middleware: (req, res, next) => {
      const path = pathOf(req);
      if (path === '/health/live' || path === '/health/ready' || path === '/metrics') {
        next();
        return;
      }
      if (inFlight >= options.maxInFlight || lag > options.maxLagMs) {
        shed += 1;
        throw new AppError('unavailable', 'OVERLOADED', 'The service is overloaded; retry shortly.', {
          retryAfterSeconds: 1,
        });
      }
      inFlight += 1;
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        inFlight -= 1;
      };
      res.once('finish', release);
      res.once('close', release);
      next();
    },
  };
}
