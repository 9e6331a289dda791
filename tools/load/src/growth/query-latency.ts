import { createRideQueries } from '@skico/lift-ride';
import type { Pool } from '@skico/pg';
import { percentile } from '../percentiles.ts';

export interface QueryLatency {
  query: string;
  samples: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * Times the lift-ride service's own read queries (the SQL its API runs behind the cache) for random
 * skiers: the day vertical and the season totals, plus unique skiers per resort day.
 */
export async function measureQueries(
  pool: Pool,
  options: { samples: number; skiers: number },
): Promise<QueryLatency[]> {
  const queries = createRideQueries(pool);
  const pick = (n: number) => 1 + Math.floor(Math.random() * n);
  const cases: [string, () => Promise<unknown>][] = [
    ['day vertical', () => queries.dayVertical(pick(10), String(2022 + pick(3)), pick(120), pick(options.skiers))],
    ['season totals', () => queries.resortSeasonTotals(pick(options.skiers))],
    ['unique skiers', () => queries.uniqueSkiers(pick(10), String(2022 + pick(3)), pick(120))],
  ];
  const results: QueryLatency[] = [];
  for (const [query, run] of cases) {
    for (let i = 0; i < 20; i++) await run();
    const times: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      const started = performance.now();
      await run();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    results.push({ query, samples: times.length, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) });
  }
  return results;
}
