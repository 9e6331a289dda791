import { prepareDatabase } from '../database.ts';
import { ensureInfrastructure } from '../infra-check.ts';
import { addressesFromEnv } from '../infra-env.ts';

// `npm run db:setup`: database, roles, schemas, migrations and seed data, without starting anything.
try {
  // The service roles connect to the same server as the admin URL (in compose: the postgres container).
  const addresses = addressesFromEnv(process.env);
  if (!process.env.ADMIN_DATABASE_URL) await ensureInfrastructure((line) => console.log(line), addresses);
  const applied = await prepareDatabase(addresses, addresses.adminUrl);
  for (const [service, versions] of Object.entries(applied)) {
    console.log(`${service}: ${versions.length === 0 ? 'up to date' : `applied ${versions.join(', ')}`}`);
  }
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
