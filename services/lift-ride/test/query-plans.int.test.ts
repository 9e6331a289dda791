import { createLogger } from '@skico/log';
import { createPool, dropDatabase, type Pool } from '@skico/pg';
import { databaseUrl, defaultAdminUrl, prepareDatabase, serviceSchemas } from '@skico/stack';
import { uniqueName } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRideQueries } from '../src/data/ride-queries.ts';

// The skier reads must find their rows through an index on every column they name even before Postgres
// has statistics on the table: a new database, or a table that grew faster than autovacuum analyzes it
// (or with autovacuum off). A plan chosen blind may read a whole resort day to find one skier's row.
const settings = { postgres: '127.0.0.1:5432', database: uniqueName('skico_t') };
let pool: Pool;

interface PlanNode {
  'Node Type': string;
  'Index Cond'?: string;
  'Rows Removed by Filter'?: number;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

/** The executed plan of the one statement that `run` sends, instead of its rows. */
async function planOf(run: (explaining: Pool) => Promise<unknown>): Promise<PlanNode[]> {
  let plan: PlanNode | undefined;
  const explaining = {
    // Queries come as text and values, or as a named statement's config.
    query: async (query: string | { text: string; values?: unknown[] }, values?: unknown[]) => {
      const statement = typeof query === 'string' ? { text: query, values } : query;
      const { rows } = await pool.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values);
      plan = rows[0]['QUERY PLAN'][0].Plan;
      return { rows: [] };
    },
  } as unknown as Pool;
  await run(explaining);
  if (!plan) throw new Error('no statement was sent');
  return nodesOf(plan);
}

beforeAll(async () => {
  await prepareDatabase(settings);
  const schema = serviceSchemas.find((s) => s.service === 'lift-ride');
  if (!schema) throw new Error('no lift-ride schema in the stack');
  pool = createPool({
    url: databaseUrl(settings, schema),
    applicationName: 'lift-ride-plans-test',
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  // 20,000 skiers on one resort day, a few days of one skier elsewhere; no ANALYZE afterwards.
  await pool.query(
    `INSERT INTO skier_days (resort_id, season, day, skier_id, vertical_m, rides)
     SELECT 1, 2025, 1, s, 10 * s, 1 FROM generate_series(1, 20000) AS s
     UNION ALL SELECT r, 2025, 2, 77, 100, 2 FROM generate_series(2, 5) AS r`,
  );
  // 20,000 rides on one resort day, minutes 1..360.
  await pool.query(
    `INSERT INTO rides (resort_id, season, day, skier_id, lift_id, minute, vertical_m)
     SELECT 1, 2025, 1, s, 1 + s % 40, 1 + s % 360, 10 FROM generate_series(1, 20000) AS s`,
  );
});

afterAll(async () => {
  await pool?.end();
  await dropDatabase(defaultAdminUrl, settings.database);
});

describe('the skier reads without planner statistics', () => {
  it('when a skier day is read, then the index finds it on all four columns and no row is read in vain', async () => {
    const plan = await planOf((p) => createRideQueries(p).dayVertical(1, '2025', 1, 12_345));
    const scans = plan.filter((n) => n['Index Cond'] !== undefined);
    expect(scans).toHaveLength(1);
    expect(scans[0]?.['Index Cond']).toMatch(/skier_id = /);
    expect(plan.reduce((sum, n) => sum + (n['Rows Removed by Filter'] ?? 0), 0)).toBe(0);
  });

  it.each([
    ['season totals', (p: Pool) => createRideQueries(p).resortSeasonTotals(77)],
    ['season stats', (p: Pool) => createRideQueries(p).skierStats(77, '2025')],
  ])('when a skier’s %s are read, then only that skier’s rows are read', async (_name, run) => {
    const plan = await planOf(run);
    expect(plan.some((n) => /skier_id = /.test(n['Index Cond'] ?? ''))).toBe(true);
    expect(plan.reduce((sum, n) => sum + (n['Rows Removed by Filter'] ?? 0), 0)).toBe(0);
  });

  it('when the recent lift rates are read, then the ride table is read over the window only', async () => {
    // A 10-minute window of a 360-minute day holds about 560 of its 20,000 rides.
    const plan = await planOf((p) => createRideQueries(p).recentLiftRates(1, '2025', 1, 10));
    const scans = plan.filter((n) => n['Node Type'].includes('Scan'));
    expect(scans.length).toBeGreaterThan(0);
    for (const scan of scans) expect(scan['Actual Rows']).toBeLessThan(1_000);
  });
});
