import type { Logger } from '@skico/log';
import type { Redis } from 'ioredis';

export interface CacheStats {
  hits: number;
  misses: number;
  /** Reads that joined a load already in flight instead of querying again. */
  joins: number;
  /** Reads served from the source because Redis failed. */
  bypasses: number;
}

export interface ReadOptions {
  ttlSeconds: number;
  /** How long a "not found" (loader answered undefined) is remembered; 0 to not cache it. */
  negativeTtlSeconds?: number;
}

export interface Cache {
  /**
   * The cached value of `key`, else the loader's answer, stored with a jittered TTL. Concurrent reads of
   * one cold key in this process share one load. A Redis failure is never the caller's failure: the
   * value is then loaded from the source.
   */
  getOrLoad: <T>(key: string, loader: () => Promise<T | undefined>, options: ReadOptions) => Promise<T | undefined>;
  /**
   * Invalidates keys after a write commits; for a few seconds they are not filled again by loads that
   * began before the write. Failures are logged, and thrown too when `required` (a caller that can try
   * again, such as a consumer that has not acked yet); otherwise TTLs bound how stale a read can be.
   */
  invalidate: (keys: string[], options?: { required?: boolean }) => Promise<void>;
  stats: () => CacheStats;
}

const NEGATIVE = '\u0000none';
/**
 * What an invalidation leaves behind for a few seconds instead of deleting the key. Fills are SET NX, so
 * a reader that loaded the old value before the write committed cannot put it back after the
 * invalidation (the race of plain cache-aside).
 */
const TOMBSTONE = '\u0000gone';
export const TOMBSTONE_SECONDS = 5;
/** SET key TOMBSTONE EX seconds for every key, in one atomic call. */
const BURY_SCRIPT = "for _, key in ipairs(KEYS) do redis.call('SET', key, ARGV[1], 'EX', ARGV[2]) end";

/** Loads shared at once at most: far above the reads a process serves at once. */
const MAX_SHARED_LOADS = 10_000;

/** ±10 % so that keys written together do not expire together. */
export function jitter(ttlSeconds: number, random = Math.random): number {
  return Math.max(1, Math.round(ttlSeconds * (0.9 + 0.2 * random())));
}

/** Runs a Redis call through Redis's breaker, so that a hung Redis costs nothing once the breaker opens. */
export type RedisGuard = <T>(call: () => Promise<T>) => Promise<T>;

/** Cache-aside over Redis for one namespace (such as `liftride:v1:`), with single-flight loads. */
export function createCache(options: { redis: Redis; namespace: string; log: Logger; guard?: RedisGuard }): Cache {
  const { log } = options;
  const guard: RedisGuard = options.guard ?? ((call) => call());
  const burying = options.redis as Redis & {
    skicoBury: (keys: number, ...args: (string | number)[]) => Promise<unknown>;
  };
  // ioredis calls the script by its digest (EVALSHA), and sends the script itself when Redis lacks it.
  if (typeof burying.skicoBury !== 'function') burying.defineCommand('skicoBury', { lua: BURY_SCRIPT });
  const redis = {
    get: (key: string) => guard(() => options.redis.get(key)),
    fill: (key: string, value: string, ttl: number) => guard(() => options.redis.set(key, value, 'EX', ttl, 'NX')),
    // One script call buries every key: a round trip per key would cost the worker more than its insert.
    bury: (keys: string[]) => guard(() => burying.skicoBury(keys.length, ...keys, TOMBSTONE, TOMBSTONE_SECONDS)),
  };
  // Keyed by request input, but an entry lives only while its load runs; the cap bounds it even when loads
  // hang. A read that finds it full loads on its own: single-flight is an economy, not a promise.
  const inFlight = new Map<string, Promise<unknown>>();
  const counts: CacheStats = { hits: 0, misses: 0, joins: 0, bypasses: 0 };
  const full = (key: string) => `${options.namespace}${key}`;

  const read = async (key: string): Promise<{ found: boolean; value?: unknown; failed?: boolean }> => {
    try {
      const raw = await redis.get(full(key));
      if (raw === null || raw === TOMBSTONE) return { found: false };
      return { found: true, value: raw === NEGATIVE ? undefined : JSON.parse(raw) };
    } catch (err) {
      log.debug({ err, key }, 'cache read failed');
      return { found: false, failed: true };
    }
  };

  const write = async (key: string, value: unknown, options: ReadOptions) => {
    const negative = value === undefined;
    const ttl = negative ? (options.negativeTtlSeconds ?? 0) : options.ttlSeconds;
    if (ttl <= 0) return;
    try {
      await redis.fill(full(key), negative ? NEGATIVE : JSON.stringify(value), jitter(ttl));
    } catch (err) {
      log.debug({ err, key }, 'cache write failed');
    }
  };

  const load = async <T>(key: string, loader: () => Promise<T | undefined>, options: ReadOptions) => {
    const cached = await read(key);
    if (cached.found) {
      counts.hits += 1;
      return cached.value as T | undefined;
    }
    if (cached.failed) counts.bypasses += 1;
    else counts.misses += 1;
    const value = await loader();
    if (!cached.failed) await write(key, value, options);
    return value;
  };

  return {
    getOrLoad: <T>(key: string, loader: () => Promise<T | undefined>, options: ReadOptions) => {
      const pending = inFlight.get(key);
      if (pending) {
        counts.joins += 1;
        return pending as Promise<T | undefined>;
      }
      if (inFlight.size >= MAX_SHARED_LOADS) return load(key, loader, options);
      const started = load(key, loader, options).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
    invalidate: async (keys, invalidateOptions) => {
      if (keys.length === 0) return;
      try {
        await redis.bury(keys.map(full));
      } catch (err) {
        if (invalidateOptions?.required) throw err;
        log.warn({ err, keys: keys.length }, 'cache invalidation failed; entries expire by TTL');
      }
    },
    stats: () => ({ ...counts }),
  };
}
