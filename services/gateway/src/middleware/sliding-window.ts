import type { Redis } from '@skico/cache';

/** A budget: at most `limit` requests in any window of `windowMs` (approximated over two fixed windows). */
export interface Budget {
  limit: number;
  windowMs: number;
}

/** Counts of the current and the previous fixed window, and how far into the current one `now` is. */
export interface WindowCounts {
  current: number;
  previous: number;
  elapsedMs: number;
}

export interface Decision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current fixed window ends. */
  resetSeconds: number;
  /** When refused: seconds until a request would be allowed again. */
  retryAfterSeconds: number;
}

/**
 * The sliding-window counter: the previous window's count weighted by how much of it still overlaps the
 * sliding window, plus the current count. `counts` are as they were before this request; a refused
 * request is not counted.
 */
export function decide(budget: Budget, counts: WindowCounts): Decision {
  const { limit, windowMs } = budget;
  const { current, previous, elapsedMs } = counts;
  const weighted = (previous * (windowMs - elapsedMs)) / windowMs + current;
  const allowed = weighted + 1 <= limit;
  const used = allowed ? weighted + 1 : weighted;
  const resetSeconds = Math.max(1, Math.ceil((windowMs - elapsedMs) / 1000));
  let waitMs = 0;
  if (!allowed) {
    if (current + 1 <= limit && previous > 0) {
      // Within this window: until enough of the previous window has slid out.
      waitMs = windowMs * (1 - (limit - 1 - current) / previous) - elapsedMs;
    } else {
      // Into the next window, until enough of this one has slid out.
      waitMs = windowMs - elapsedMs + windowMs * (1 - (limit - 1) / Math.max(current, 1));
    }
  }
  return {
    allowed,
    limit,
    remaining: Math.max(0, Math.floor(limit - used)),
    resetSeconds,
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(waitMs / 1000)),
  };
}

export interface WindowStore {
  /** Counts a request against `key` unless that would exceed the budget; returns the decision. */
  hit: (key: string, budget: Budget, now: number) => Promise<Decision>;
}

/** The per-process fallback: the same algorithm in memory, stale entries dropped as the map grows. */
export function createMemoryWindowStore(maxKeys = 100_000): WindowStore {
  const entries = new Map<string, { index: number; current: number; previous: number }>();
  const prune = (index: number) => {
    for (const [key, entry] of entries) if (entry.index < index - 1) entries.delete(key);
  };
  return {
    hit: async (key, budget, now) => {
      const index = Math.floor(now / budget.windowMs);
      let entry = entries.get(key);
      if (!entry) {
        if (entries.size >= maxKeys) prune(index);
        entry = { index, current: 0, previous: 0 };
        entries.set(key, entry);
      } else if (entry.index !== index) {
        entry.previous = entry.index === index - 1 ? entry.current : 0;
        entry.current = 0;
        entry.index = index;
      }
      const decision = decide(budget, {
        current: entry.current,
        previous: entry.previous,
        elapsedMs: now - index * budget.windowMs,
      });
      if (decision.allowed) entry.current += 1;
      return decision;
    },
  };
}

// KEYS: the current and the previous window's counters. ARGV: limit, window ms, elapsed ms.
// Counts the request only when it fits the budget, so refused requests do not extend a client's ban.
const slidingWindowScript = `
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local elapsed = tonumber(ARGV[3])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
if previous * (window - elapsed) / window + current + 1 > limit then
  return {0, current, previous}
end
current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], window * 2) end
return {1, current - 1, previous}
`;

type SlidingWindowCommand = (
  current: string,
  previous: string,
  limit: number,
  windowMs: number,
  elapsedMs: number,
) => Promise<[number, number, number]>;

/**
 * The shared store: one Lua script per request, so every gateway replica draws from the same budget.
 * The two keys share a hash tag, so the script also runs on a Redis Cluster.
 */
export function createRedisWindowStore(redis: Redis): WindowStore {
  redis.defineCommand('skicoSlidingWindow', { numberOfKeys: 2, lua: slidingWindowScript });
  const run = (redis as unknown as { skicoSlidingWindow: SlidingWindowCommand }).skicoSlidingWindow.bind(redis);
  return {
    hit: async (key, budget, now) => {
      const index = Math.floor(now / budget.windowMs);
      const elapsedMs = now - index * budget.windowMs;
      const [, current, previous] = await run(
        `gateway:v1:rl:{${key}}:${index}`,
        `gateway:v1:rl:{${key}}:${index - 1}`,
        budget.limit,
        budget.windowMs,
        elapsedMs,
      );
      return decide(budget, { current, previous, elapsedMs });
    },
  };
}
