import pg from 'pg';

export interface ServiceDatabase {
  /** The service's schema; its role owns it and can use nothing else. */
  schema: string;
  /** The service's connection URL: its user, password and database name are taken from it. */
  url: string;
}

function parts(url: string) {
  const u = new URL(url);
  return {
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.replace(/^\//, ''),
  };
}

async function withClient<T>(url: string, work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function withDatabase(adminUrl: string, database: string): string {
  const u = new URL(adminUrl);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * Creates the database, one login role per service and one schema per service owned by that role, with
 * no access for anyone else. Idempotent, and safe when several runs do it at once.
 */
export async function setupDatabase(adminUrl: string, services: ServiceDatabase[]): Promise<void> {
  const databases = new Set(services.map((s) => parts(s.url).database));
  await withClient(adminUrl, async (admin) => {
    // Roles and databases are cluster-wide: serialise concurrent setups.
    await admin.query('SELECT pg_advisory_lock(hashtext($1))', ['skico:setup']);
    for (const service of services) {
      const { user, password } = parts(service.url);
      const role = admin.escapeIdentifier(user);
      const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [user]);
      const verb = exists.rowCount ? 'ALTER' : 'CREATE';
      await admin.query(
        `${verb} ROLE ${role} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${admin.escapeLiteral(password)}`,
      );
    }
    for (const database of databases) {
      const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (!exists.rowCount) await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(database)}`);
    }
  });
  for (const database of databases) {
    await withClient(withDatabase(adminUrl, database), async (admin) => {
      const db = admin.escapeIdentifier(database);
      await admin.query(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC`);
      await admin.query('REVOKE ALL ON SCHEMA public FROM PUBLIC');
      for (const service of services.filter((s) => parts(s.url).database === database)) {
        const role = admin.escapeIdentifier(parts(service.url).user);
        const schema = admin.escapeIdentifier(service.schema);
        await admin.query(`GRANT CONNECT ON DATABASE ${db} TO ${role}`);
        await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema} AUTHORIZATION ${role}`);
        await admin.query(`ALTER SCHEMA ${schema} OWNER TO ${role}`);
        await admin.query(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC`);
        await admin.query(`ALTER ROLE ${role} IN DATABASE ${db} SET search_path TO ${schema}`);
      }
    });
  }
}

/** Drops a database made for one test run. Only for databases that run created. */
export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  await withClient(adminUrl, async (admin) => {
    await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(database)} WITH (FORCE)`);
  });
}
