/** The lift-ride API's cache lookups during a run, by outcome (its skico_cache_requests_total counter). */
export interface CacheCounts {
  hit: number;
  miss: number;
  /** Lookups that joined a load already in flight for the same key. */
  join: number;
  /** Lookups served from Postgres because Redis failed. */
  bypass: number;
}

const outcomes = ['hit', 'miss', 'join', 'bypass'] as const;

/** The counter's values now, from a process's /metrics; undefined when it cannot be read. */
export async function readCacheCounts(metricsUrl: string): Promise<CacheCounts | undefined> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return undefined;
    const text = await res.text();
    const counts: CacheCounts = { hit: 0, miss: 0, join: 0, bypass: 0 };
    for (const outcome of outcomes) {
      const line = new RegExp(`^skico_cache_requests_total\\{[^}]*result="${outcome}"[^}]*\\} (\\d+)`, 'm').exec(text);
      counts[outcome] = Number(line?.[1] ?? 0);
    }
    return counts;
  } catch {
    return undefined;
  }
}

/** What happened between two readings. */
export function cacheDelta(before: CacheCounts, after: CacheCounts): CacheCounts {
  return {
    hit: after.hit - before.hit,
    miss: after.miss - before.miss,
    join: after.join - before.join,
    bypass: after.bypass - before.bypass,
  };
}

/** One line for the summary: the share of lookups that a cached answer served. */
export function cacheSentence(c: CacheCounts): string {
  const total = c.hit + c.miss + c.join + c.bypass;
  const share = total > 0 ? Math.round((100 * c.hit) / total) : 0;
  const n = (x: number) => x.toLocaleString('en-US');
  return `lift-ride cache: ${share} % of ${n(total)} lookups hit (${n(c.hit)} hits, ${n(c.miss)} misses, ${n(c.join)} joined a load in flight, ${n(c.bypass)} bypassed a failing Redis)`;
}
