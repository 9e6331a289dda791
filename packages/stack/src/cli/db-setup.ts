import { defaultAdminUrl, prepareDatabase } from '../database.ts';
import { ensureInfrastructure } from '../infra-check.ts';
import { defaultSettings } from '../stack-env.ts';

// `npm run db:setup`: database, roles, schemas, migrations and seed data, without starting anything.
try {
  if (!process.env.ADMIN_DATABASE_URL) await ensureInfrastructure((line) => console.log(line));
  // The service roles connect to the same server as the admin URL (in compose: the postgres container).
  const adminUrl = new URL(process.env.ADMIN_DATABASE_URL ?? defaultAdminUrl);
  const settings = { postgres: adminUrl.host, database: process.env.SKICO_DATABASE ?? defaultSettings.database };
  const applied = await prepareDatabase(settings, adminUrl.toString());
  for (const [service, versions] of Object.entries(applied)) {
    console.log(`${service}: ${versions.length === 0 ? 'up to date' : `applied ${versions.join(', ')}`}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
