/** The lift-ride API's cache lookups during a run, by outcome (its skico_cache_requests_total counter). */
export interface CacheCounts {
  hit: number;
  miss: number;
  /** Lookups that joined a load already in flight for the same key. */
  join: number;
  /** Lookups served from Postgres because Redis failed. */
  bypass: number;
}

/** The lift-ride API's confirmed messages during a run (group commit), from its skico_publish_* histograms. */
export interface PublishCounts {
  messages: number;
  rides: number;
  /** Time from publish to confirm, summed over the messages. */
  confirmSeconds: number;
}

/** What the lift-ride API counted: what a read mix measured (hits, or Postgres behind misses), and how rides left. */
export interface LiftRideCounts {
  cache: CacheCounts;
  publish: PublishCounts;
}

const outcomes = ['hit', 'miss', 'join', 'bypass'] as const;

/** A series' value in a Prometheus text page (the first line of that name whose labels contain `labels`). */
function seriesValue(text: string, name: string, labels = ''): number {
  const line = new RegExp(`^${name}(?:\\{[^}]*${labels}[^}]*\\})? (\\S+)`, 'm').exec(text);
  return Number(line?.[1] ?? 0);
}

/** The counters' values now, from the process's /metrics; undefined when they cannot be read. */
export async function readLiftRideCounts(metricsUrl: string): Promise<LiftRideCounts | undefined> {
  try {
    const res = await fetch(metricsUrl, { signal: AbortSignal.timeout(2_000) });
    if (!res.ok) return undefined;
    const text = await res.text();
    const cache: CacheCounts = { hit: 0, miss: 0, join: 0, bypass: 0 };
    for (const outcome of outcomes)
      cache[outcome] = seriesValue(text, 'skico_cache_requests_total', `result="${outcome}"`);
    return {
      cache,
      publish: {
        messages: seriesValue(text, 'skico_publish_rides_per_message_count'),
        rides: seriesValue(text, 'skico_publish_rides_per_message_sum'),
        confirmSeconds: seriesValue(text, 'skico_publish_confirm_seconds_sum'),
      },
    };
  } catch {
    return undefined;
  }
}

/** What happened between two readings. */
export function countsDelta(before: LiftRideCounts, after: LiftRideCounts): LiftRideCounts {
  const minus = <T extends object>(a: T, b: T) =>
    Object.fromEntries(Object.keys(a).map((k) => [k, (a as never)[k] - (b as never)[k]])) as T;
  return { cache: minus(after.cache, before.cache), publish: minus(after.publish, before.publish) };
}

const n = (x: number) => x.toLocaleString('en-US');

/** Lines for the summary: the share of lookups that a cached answer served, and how rides were grouped. */
export function countsSentences(c: LiftRideCounts): string[] {
  const lines: string[] = [];
  const lookups = c.cache.hit + c.cache.miss + c.cache.join + c.cache.bypass;
  if (lookups > 0) {
    const share = Math.round((100 * c.cache.hit) / lookups);
    lines.push(
      `lift-ride cache: ${share} % of ${n(lookups)} lookups hit (${n(c.cache.hit)} hits, ${n(c.cache.miss)} misses, ${n(c.cache.join)} joined a load in flight, ${n(c.cache.bypass)} bypassed a failing Redis)`,
    );
  }
  if (c.publish.messages > 0) {
    const perMessage = c.publish.rides / c.publish.messages;
    const confirmMs = (1000 * c.publish.confirmSeconds) / c.publish.messages;
    lines.push(
      `group commit: ${n(c.publish.rides)} rides in ${n(c.publish.messages)} messages (${perMessage.toFixed(1)} per message), confirmed after ${confirmMs.toFixed(2)} ms on average`,
    );
  }
  return lines;
}
