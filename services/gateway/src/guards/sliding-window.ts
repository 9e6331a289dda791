import { LRUCache } from 'lru-cache';

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

/** One window's count sent to the shared store, which answers with every replica's counts. */
export interface SyncItem {
  key: string;
  /** The fixed window (now / windowMs, rounded down) the count belongs to. */
  index: number;
  windowMs: number;
  /** Requests this process allowed in that window since its last sync. */
  add: number;
}

/** The shared counts of an item's window and of the window before it, after its `add` was counted. */
export type SyncResult = { current: number; previous: number };

export interface WindowStore {
  /** Counts a request against `key` unless that would exceed the budget; decided in memory, at once. */
  hit: (key: string, budget: Budget, now: number) => Decision;
  /** Sends the counts not yet shared and takes in everyone's; rejects when the shared store failed. */
  sync: (now: number) => Promise<void>;
  /** Keys held in memory. */
  size: () => number;
}

interface Entry {
  windowMs: number;
  index: number;
  /** This window's count across every replica, as the shared store last said. */
  current: number;
  /** The previous window's count across every replica. */
  previous: number;
  /** Allowed here and being sent to the shared store. */
  sending: number;
  /** Allowed here and not yet sent. */
  pending: number;
}

/**
 * The sliding-window counter, decided in this process's memory and shared through `share` (Redis, for
 * every gateway replica) in the background: each request is counted locally at once, and every sync
 * sends the local counts and takes in the totals of all replicas. Between syncs a client may pass its
 * budget by what it sends to the other replicas in that time; while the shared store cannot be reached,
 * each replica limits from what it knows, and its counts are sent once the store answers again.
 * Without `share` it is a plain in-memory limiter.
 *
 * At most `maxKeys` clients are held, least recently seen dropped first (an LRU, O(1) per request
 * whatever the number of clients): a dropped client's unsent counts are still sent, and with `share` it
 * takes its counts back from the shared store at its next sync.
 */
export function createWindowStore(
  share?: (items: SyncItem[]) => Promise<SyncResult[]>,
  maxKeys = 100_000,
): WindowStore {
  /** Keys whose counts should be sent or refreshed. */
  const dirty = new Set<string>();
  /** Counts of windows that ended, or of dropped keys, before they were sent; at most `maxKeys`. */
  let closed: SyncItem[] = [];
  const keep = (item: SyncItem) => {
    // Beyond the cap (the shared store unreachable for long under a flood of clients) counts are lost.
    if (closed.length < maxKeys) closed.push(item);
  };
  const entries = new LRUCache<string, Entry>({
    max: maxKeys,
    dispose: (e, key, reason) => {
      if (reason !== 'evict') return;
      dirty.delete(key);
      if (share && e.pending > 0) keep({ key, index: e.index, windowMs: e.windowMs, add: e.pending });
    },
  });

  const roll = (key: string, e: Entry, index: number) => {
    if (e.pending > 0) keep({ key, index: e.index, windowMs: e.windowMs, add: e.pending });
    e.previous = e.index === index - 1 ? e.current + e.sending + e.pending : 0;
    e.current = 0;
    e.sending = 0;
    e.pending = 0;
    e.index = index;
    if (share) dirty.add(key);
  };

  return {
    size: () => entries.size,
    hit: (key, budget, now) => {
      const index = Math.floor(now / budget.windowMs);
      let e = entries.get(key);
      if (!e) {
        e = { windowMs: budget.windowMs, index, current: 0, previous: 0, sending: 0, pending: 0 };
        entries.set(key, e);
        if (share) dirty.add(key);
      } else if (e.index !== index) {
        roll(key, e, index);
      }
      const decision = decide(budget, {
        current: e.current + e.sending + e.pending,
        previous: e.previous,
        elapsedMs: now - index * budget.windowMs,
      });
      if (decision.allowed && !share) e.current += 1;
      else if (decision.allowed) {
        e.pending += 1;
        dirty.add(key);
      }
      return decision;
    },
    sync: async (now) => {
      if (!share || (dirty.size === 0 && closed.length === 0)) return;
      const items: SyncItem[] = [];
      const open: Array<[Entry, SyncItem]> = [];
      for (const key of dirty) {
        // peek: a sync is not a sign of the client's activity, so it leaves the eviction order alone.
        const e = entries.peek(key);
        if (!e) continue;
        const item = { key, index: e.index, windowMs: e.windowMs, add: e.pending };
        e.sending += e.pending;
        e.pending = 0;
        items.push(item);
        open.push([e, item]);
      }
      dirty.clear();
      const ended = closed;
      closed = [];
      let results: SyncResult[];
      try {
        // Ended windows first, so that the open windows read their `previous` with it.
        results = await share([...ended, ...items]);
      } catch (err) {
        // Keep what was not sent, to send it with the next sync.
        for (const [e, item] of open) {
          if (entries.peek(item.key) !== e) keep(item);
          else if (e.index === item.index) {
            e.pending += item.add;
            e.sending -= item.add;
            dirty.add(item.key);
          }
        }
        for (const c of ended) if (c.index >= Math.floor(now / c.windowMs) - 1) keep(c);
        throw err;
      }
      open.forEach(([e, item], i) => {
        const result = results[ended.length + i];
        // A window that ended while its counts were on the way is already accounted for in `previous`.
        if (!result || e.index !== item.index) return;
        e.sending -= item.add;
        e.current = result.current;
        e.previous = result.previous;
      });
    },
  };
}
