import { prepareDatabase } from '../database.ts';
import { ensureInfrastructure } from '../infra-check.ts';
import { defaultSettings } from '../stack-env.ts';

// `npm run db:setup`: database, roles, schemas, migrations and seed data, without starting anything.
try {
  await ensureInfrastructure((line) => console.log(line));
  const database = process.env.SKICO_DATABASE ?? defaultSettings.database;
  const applied = await prepareDatabase({ ...defaultSettings, database }, process.env.ADMIN_DATABASE_URL);
  for (const [service, versions] of Object.entries(applied)) {
    console.log(`${service}: ${versions.length === 0 ? 'up to date' : `applied ${versions.join(', ')}`}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
