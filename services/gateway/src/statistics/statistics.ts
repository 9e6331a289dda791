/** Latency per route template and method over a rolling window, in the course's `endpointStats` shape. */
export interface EndpointStat {
  URL: string;
  operation: string;
  mean: number;
  max: number;
}

interface Bucket {
  second: number;
  count: number;
  totalMs: number;
  maxMs: number;
}

/**
 * Keeps one bucket per second per route for the last `windowSeconds`, so that recording is O(1) and a
 * read sums at most `windowSeconds` buckets per route.
 */
export function createStatistics(options: { windowSeconds: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  // Bounded by construction: keyed by route template and method, and node's parser knows a fixed list of methods.
  const routes = new Map<string, { url: string; operation: string; buckets: Bucket[] }>();

  const recent = (seconds: number): (EndpointStat & { count: number })[] => {
    const oldest = Math.floor(now() / 1000) - Math.min(seconds, options.windowSeconds) + 1;
    const stats: (EndpointStat & { count: number })[] = [];
    for (const route of routes.values()) {
      let count = 0;
      let total = 0;
      let max = 0;
      for (const b of route.buckets) {
        if (!b || b.second < oldest) continue;
        count += b.count;
        total += b.totalMs;
        max = Math.max(max, b.maxMs);
      }
      if (count > 0)
        stats.push({
          URL: route.url,
          operation: route.operation,
          mean: Math.round(total / count),
          max: Math.round(max),
          count,
        });
    }
    return stats.sort((a, b) => a.URL.localeCompare(b.URL) || a.operation.localeCompare(b.operation));
  };

  return {
    record(url: string, operation: string, latencyMs: number) {
      const id = `${operation} ${url}`;
      let route = routes.get(id);
      if (!route) {
        route = { url, operation, buckets: [] };
        routes.set(id, route);
      }
      const second = Math.floor(now() / 1000);
      const slot = second % options.windowSeconds;
      let bucket = route.buckets[slot];
      if (!bucket || bucket.second !== second) {
        bucket = { second, count: 0, totalMs: 0, maxMs: 0 };
        route.buckets[slot] = bucket;
      }
      bucket.count += 1;
      bucket.totalMs += latencyMs;
      bucket.maxMs = Math.max(bucket.maxMs, latencyMs);
    },

    snapshot: (): EndpointStat[] => recent(options.windowSeconds).map(({ count: _count, ...stat }) => stat),

    /** The same over the last `seconds` only (at most the window), with the request count of each route. */
    recent,
  };
}

export type Statistics = ReturnType<typeof createStatistics>;
