import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';

export interface Migration {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

const fileName = /^(\d{3})_([a-z0-9_]+)\.sql$/;

/** Reads NNN_name.sql files in version order. @throws on a malformed name or a repeated version. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = fileName.exec(file);
    if (!match) throw new Error(`migration file ${file} is not named NNN_name.sql`);
    const sql = await readFile(join(dir, file), 'utf8');
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version)) throw new Error(`migration version ${version} is used twice`);
    migrations.push({
      version,
      name: match[2] as string,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    });
  }
  return migrations;
}

/**
 * Applies the pending migrations of one schema, each in its own transaction, under an advisory lock so
 * that concurrent starters do not race. Connects as the schema's owner role.
 * @throws when an applied migration's file has changed since.
 */
export async function migrate(options: { url: string; schema: string; dir: string }): Promise<number[]> {
  const migrations = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  const table = `${client.escapeIdentifier(options.schema)}.schema_migrations`;
  const applied: number[] = [];
  try {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [`migrate:${options.schema}`]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (version int PRIMARY KEY, name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number; checksum: string }>(
      `SELECT version, checksum FROM ${table}`,
    );
    const done = new Map(rows.map((r) => [r.version, r.checksum]));
    for (const m of migrations) {
      const checksum = done.get(m.version);
      if (checksum !== undefined) {
        if (checksum !== m.checksum)
          throw new Error(`migration ${options.schema}/${m.version}_${m.name} changed after it was applied`);
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL search_path TO ${client.escapeIdentifier(options.schema)}`);
        await client.query(m.sql);
        await client.query(`INSERT INTO ${table} (version, name, checksum) VALUES ($1, $2, $3)`, [
          m.version,
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
        applied.push(m.version);
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${options.schema}/${m.version}_${m.name} failed: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }
  } finally {
    await client.end();
  }
  return applied;
}
