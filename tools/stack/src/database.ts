import { join } from 'node:path';
import { migrate, setupDatabase } from '@skico/pg';
import { repoRoot, serviceSchemas } from './processes.ts';
import { databaseUrl, type StackSettings } from './stack-env.ts';

export const defaultAdminUrl = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates the database, roles and schemas, then applies every service's migrations and seed data. */
export async function prepareDatabase(
  settings: Pick<StackSettings, 'postgres' | 'database'>,
  adminUrl = defaultAdminUrl,
): Promise<Record<string, number[]>> {
  await setupDatabase(
    adminUrl,
    serviceSchemas.map((s) => ({ schema: s.schema, url: databaseUrl(settings, s) })),
  );
  const applied: Record<string, number[]> = {};
  for (const s of serviceSchemas) {
    applied[s.service] = await migrate({
      url: databaseUrl(settings, s),
      schema: s.schema,
      dir: join(repoRoot, s.migrations),
    });
  }
  return applied;
}
