import { port, positiveInt, processFields, refuseDevelopmentCredentials, url } from '@skico/config';
import { z } from 'zod';

const developmentDatabaseUrl = 'postgres://resort_svc:resort-dev-password@127.0.0.1:5432/skico';

export const resortConfigSchema = z
  .object({
    ...processFields(),
    RESORT_PORT: port(8081, 'Port of the resort service.'),
    DATABASE_URL: url(
      developmentDatabaseUrl,
      ['postgres', 'postgresql'],
      'Postgres URL of the resort service role (owns schema resort).',
    ),
    PG_POOL_MAX: positiveInt(10, 'Largest number of Postgres connections of this process.'),
  })
  // In production the development passwords are refused: the process stops, naming the variable.
  .superRefine(refuseDevelopmentCredentials({ DATABASE_URL: developmentDatabaseUrl }));

export type ResortConfig = z.infer<typeof resortConfigSchema>;
