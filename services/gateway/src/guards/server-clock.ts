import type { Redis } from '@skico/cache';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';

/**
 * The time every gateway replica agrees on: Redis's clock (TIME), read every `refreshMs` and kept as an
 * offset from this process's clock. The rate-limit windows are numbered by it (a window's Redis key names
 * its index, so two replicas whose own clocks disagree would otherwise count one client's requests in
 * different windows and grant it a budget each), and bearer tokens' expiry and not-before are checked by it
 * (a gateway whose clock is minutes off would otherwise refuse good tokens or take expired ones).
 *
 * Bound: the offset is off by at most half the round trip of its reading (readings slower than
 * `maxRoundTripMs` are not taken), plus what the process clock drifts in `refreshMs`; a step of the process
 * clock is corrected at the next reading. Until the first reading (Redis unreachable at start) the
 * process's own clock is used; when Redis goes away later, the last offset is kept.
 */
export interface ServerClock {
  /** Milliseconds since the epoch by Redis's clock. */
  now: () => number;
  /** Redis's clock minus this process's, in ms (0 until the first reading). */
  offsetMs: () => number;
  /** Whether Redis's clock was read at least once (else `now` is this process's own clock). */
  known: () => boolean;
  /** Reads Redis's clock now; resolves whether it was read. */
  refresh: () => Promise<boolean>;
  close: () => void;
}

export interface ServerClockOptions {
  redis: Redis;
  /** Redis's breaker: the reading goes through it, and is skipped while it is open. */
  breaker: Breaker;
  log: Logger;
  refreshMs?: number;
  maxRoundTripMs?: number;
  /** This process's clock (tests). */
  localNow?: () => number;
}

export function createServerClock(options: ServerClockOptions): ServerClock {
  const localNow = options.localNow ?? Date.now;
  const maxRoundTripMs = options.maxRoundTripMs ?? 100;
  let offset = 0;
  let read = false;

  const refresh = async () => {
    try {
      const sent = localNow();
      const [seconds, micros] = await options.breaker.run(() => options.redis.time());
      const received = localNow();
      if (received - sent > maxRoundTripMs) return false;
      const next = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((sent + received) / 2);
      // A skew worth an operator's attention: the process's clock is not kept by NTP.
      if (!read && Math.abs(next) > 1_000)
        options.log.warn({ offsetMs: next }, "this process's clock differs from Redis's; the gateway uses Redis's");
      offset = next;
      read = true;
      return true;
    } catch {
      return false;
    }
  };

  // Read at once, and again whenever a connection becomes ready (the first one at start, before which a
  // command fails at once) so that a fresh process has the offset before its first requests.
  void refresh();
  options.redis.on('ready', () => void refresh());
  const timer = setInterval(() => void refresh(), options.refreshMs ?? 10_000);
  timer.unref();

  return {
    now: () => localNow() + offset,
    offsetMs: () => offset,
    known: () => read,
    refresh,
    close: () => clearInterval(timer),
  };
}
