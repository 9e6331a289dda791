import { randomBytes } from 'node:crypto';
import { dropDatabase } from '@skico/pg';
import { databaseUrl, defaultAdminUrl, prepareDatabase, type ServiceSchema, serviceSchemas } from '@skico/stack';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A database of this run alone, laid out exactly as the start command lays it out.
const settings = { postgres: '127.0.0.1:5432', database: `skico_t_${randomBytes(4).toString('hex')}` };
const adminUrl = (database: string) => defaultAdminUrl.replace(/\/postgres$/, `/${database}`);

/** Runs one statement as a role; resolves with the error message, or 'ok'. */
async function attempt(url: string, sql: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
    return 'ok';
  } catch (err) {
    return (err as Error).message;
  } finally {
    await client.end();
  }
}

let tablesBySchema: Record<string, string[]>;
const urlOf = (s: ServiceSchema) => databaseUrl(settings, s);

beforeAll(async () => {
  await prepareDatabase(settings);
  const admin = new pg.Client({ connectionString: adminUrl(settings.database) });
  await admin.connect();
  const { rows } = await admin.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, quote_ident(table_schema) || '.' || quote_ident(table_name) AS name
     FROM information_schema.tables WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE'`,
    [serviceSchemas.map((s) => s.schema)],
  );
  await admin.end();
  tablesBySchema = {};
  for (const row of rows) tablesBySchema[row.schema] = [...(tablesBySchema[row.schema] ?? []), row.name];
});

afterAll(() => dropDatabase(defaultAdminUrl, settings.database));

describe('each service role', () => {
  it('when the catalogue is read, then every schema has tables to protect', () => {
    for (const s of serviceSchemas) expect(tablesBySchema[s.schema]?.length, s.schema).toBeGreaterThan(0);
  });

  it('when it reads, writes or empties another service table, then Postgres refuses every one', async () => {
    const allowed: string[] = [];
    for (const role of serviceSchemas) {
      for (const other of serviceSchemas.filter((s) => s !== role)) {
        for (const table of tablesBySchema[other.schema] ?? []) {
          for (const sql of [
            `SELECT * FROM ${table} LIMIT 1`,
            `DELETE FROM ${table} WHERE false`,
            `INSERT INTO ${table} DEFAULT VALUES`,
            `TRUNCATE ${table}`,
          ]) {
            const outcome = await attempt(urlOf(role), sql);
            if (!/permission denied/.test(outcome)) allowed.push(`${role.role}: ${sql} → ${outcome}`);
          }
        }
      }
    }
    expect(allowed).toEqual([]);
  });

  it('when it tries to create objects outside its schema or to gain rights, then Postgres refuses', async () => {
    const allowed: string[] = [];
    for (const role of serviceSchemas) {
      const others = serviceSchemas.filter((s) => s !== role);
      const statements = [
        'CREATE TABLE public.sneaky (x int)',
        ...others.map((o) => `CREATE TABLE ${o.schema}.sneaky (x int)`),
        ...others.map((o) => `SET ROLE ${o.role}`),
        ...others.map((o) => `GRANT USAGE ON SCHEMA ${o.schema} TO ${role.role}`),
        `ALTER ROLE ${role.role} SUPERUSER`,
        'CREATE ROLE sneaky LOGIN',
        `CREATE DATABASE sneaky_${randomBytes(3).toString('hex')}`,
        'CREATE SCHEMA sneaky',
        'SELECT rolpassword FROM pg_authid LIMIT 1',
        "SELECT pg_read_file('/etc/passwd')",
        "COPY (SELECT 1) TO PROGRAM 'true'",
        'CREATE EXTENSION IF NOT EXISTS dblink',
      ];
      for (const sql of statements) {
        const outcome = await attempt(urlOf(role), sql);
        if (!/permission denied|must be|not allowed|insufficient privilege|is not available/i.test(outcome)) {
          allowed.push(`${role.role}: ${sql} → ${outcome}`);
        }
      }
    }
    expect(allowed).toEqual([]);
  });

  it('when its attributes and memberships are read, then it is a plain login role in no other role', async () => {
    for (const role of serviceSchemas) {
      const client = new pg.Client({ connectionString: urlOf(role) });
      await client.connect();
      const { rows } = await client.query(
        `SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls,
                (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships,
                current_setting('search_path') AS search_path
         FROM pg_roles r WHERE rolname = current_user`,
      );
      await client.end();
      expect(rows[0], role.role).toEqual({
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolreplication: false,
        rolbypassrls: false,
        memberships: 0,
        search_path: role.schema,
      });
    }
  });

  it('when it works in its own schema, then it may', async () => {
    for (const role of serviceSchemas) {
      for (const table of tablesBySchema[role.schema] ?? []) {
        expect(await attempt(urlOf(role), `SELECT * FROM ${table} LIMIT 1`), `${role.role} ${table}`).toBe('ok');
      }
    }
  });
});
