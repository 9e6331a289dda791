import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { dropDatabase, migrate, readMigrations } from '@skico/pg';
import { databaseUrl, defaultAdminUrl, prepareDatabase, repoRoot, serviceSchemas } from '@skico/stack';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A database of this run alone: created here, dropped at the end.
const settings = { postgres: '127.0.0.1:5432', database: `skico_t_${randomBytes(4).toString('hex')}` };
const schemaOf = (service: string) => {
  const found = serviceSchemas.find((s) => s.service === service);
  if (!found) throw new Error(`no schema for ${service}`);
  return found;
};

async function query(url: string, sql: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

describe('database layout', () => {
  let firstRun: Record<string, number[]>;

  beforeAll(async () => {
    firstRun = await prepareDatabase(settings);
  });
  afterAll(() => dropDatabase(defaultAdminUrl, settings.database));

  it('when migrations run on an empty database, then every migration of every service applies', async () => {
    for (const s of serviceSchemas) {
      const files = await readMigrations(join(repoRoot, s.migrations));
      expect(firstRun[s.service]).toEqual(files.map((m) => m.version));
    }
  });

  it('when they run again, then nothing is applied twice and the seed data is unchanged', async () => {
    const secondRun = await prepareDatabase(settings);
    expect(Object.values(secondRun).flat()).toEqual([]);
    const resort = databaseUrl(settings, schemaOf('resort'));
    const counts = await query(
      resort,
      'SELECT (SELECT count(*) FROM resorts)::int AS resorts, (SELECT count(*) FROM lifts)::int AS lifts, (SELECT count(*) FROM seasons)::int AS seasons',
    );
    expect(counts.rows[0]).toEqual({ resorts: 10, lifts: 400, seasons: 20 });
  });

  it('when the seed data is read, then lift verticals are 10 × liftID and every resort has 2024 and 2025', async () => {
    const resort = databaseUrl(settings, schemaOf('resort'));
    const wrong = await query(resort, 'SELECT count(*)::int AS n FROM lifts WHERE vertical_m <> 10 * lift_id');
    expect(wrong.rows[0].n).toBe(0);
    const seasons = await query(resort, 'SELECT DISTINCT season FROM seasons ORDER BY season');
    expect(seasons.rows.map((r) => r.season)).toEqual(['2024', '2025']);
  });

  it('when a service role reads another service schema, then Postgres refuses', async () => {
    for (const reader of serviceSchemas) {
      for (const owner of serviceSchemas.filter((s) => s !== reader)) {
        await expect(
          query(databaseUrl(settings, reader), `SELECT * FROM ${owner.schema}.schema_migrations LIMIT 1`),
        ).rejects.toThrow(/permission denied/);
      }
    }
  });

  it('when a service role creates objects outside its schema, then Postgres refuses', async () => {
    await expect(query(databaseUrl(settings, schemaOf('skier')), 'CREATE TABLE public.sneaky (x int)')).rejects.toThrow(
      /permission denied/,
    );
  });

  it('when an applied migration file is edited, then migrate refuses to continue', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'migrations-'));
    const url = databaseUrl(settings, schemaOf('skier'));
    await writeFile(join(dir, '900_probe.sql'), 'CREATE TABLE probe (x int);');
    expect(await migrate({ url, schema: 'skier', dir })).toEqual([900]);
    await writeFile(join(dir, '900_probe.sql'), 'CREATE TABLE probe (x bigint);');
    await expect(migrate({ url, schema: 'skier', dir })).rejects.toThrow(/changed after it was applied/);
  });
});
