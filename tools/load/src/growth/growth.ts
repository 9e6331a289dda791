import { createLogger } from '@skico/log';
import { createPool, dropDatabase } from '@skico/pg';
import { databaseUrl, defaultAdminUrl, prepareDatabase, serviceSchemas } from '@skico/stack';
import { uniqueName } from '@skico/test-kit';
import pg from 'pg';
import { measureQueries, type QueryLatency } from './query-latency.ts';
import { seedRides } from './seed-rides.ts';

export interface GrowthStep {
  rides: number;
  seedSeconds: number;
  queries: QueryLatency[];
}

/**
 * Query latency as the ride table grows: a database of its own is seeded to each size in turn and the
 * lift-ride queries are timed at each. The ratio of the last step to the first is the growth figure.
 */
export async function measureGrowth(options: { sizes: number[]; samples: number; keep?: boolean }) {
  const settings = { postgres: '127.0.0.1:5432', database: uniqueName('skico_growth') };
  await prepareDatabase(settings);
  const schema = serviceSchemas.find((s) => s.service === 'lift-ride');
  if (!schema) throw new Error('no lift-ride schema');
  const url = databaseUrl(settings, schema);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const pool = createPool({
    url,
    applicationName: 'growth',
    log: createLogger({ service: 'growth', level: 'silent' }),
  });
  const steps: GrowthStep[] = [];
  try {
    let seeded = 0;
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      // About 20 rides per skier, as in a season of the course workload.
      const skiers = Math.max(1_000, Math.round(size / 20));
      const started = performance.now();
      await seedRides(client, { count: size - seeded, skiers, from: seeded });
      seeded = size;
      const seedSeconds = (performance.now() - started) / 1000;
      steps.push({
        rides: seeded,
        seedSeconds,
        queries: await measureQueries(pool, { samples: options.samples, skiers }),
      });
    }
  } finally {
    await pool.end();
    await client.end();
    if (!options.keep) await dropDatabase(defaultAdminUrl, settings.database);
  }
  const first = steps[0];
  const last = steps.at(-1);
  const ratios = (first?.queries ?? []).map((q, i) => ({
    query: q.query,
    p50: (last?.queries[i]?.p50Ms ?? 0) / q.p50Ms,
    p99: (last?.queries[i]?.p99Ms ?? 0) / q.p99Ms,
  }));
  return { database: settings.database, steps, ratios };
}
