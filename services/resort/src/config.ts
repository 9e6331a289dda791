import { port, positiveInt, processFields, url } from '@skico/config';
import { z } from 'zod';

export const resortConfigSchema = z.object({
  ...processFields(),
  RESORT_PORT: port(8081, 'Port of the resort service.'),
  DATABASE_URL: url(
    'postgres://resort_svc:resort-dev-password@127.0.0.1:5432/skico',
    ['postgres', 'postgresql'],
    'Postgres URL of the resort service role (owns schema resort).',
  ),
  PG_POOL_MAX: positiveInt(10, 'Largest number of Postgres connections of this process.'),
});

export type ResortConfig = z.infer<typeof resortConfigSchema>;
