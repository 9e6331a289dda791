import {
  optionalUrl,
  port,
  positiveInt,
  processFields,
  refuseDevelopmentCredentials,
  url,
  urlList,
} from '@skico/config';
import { z } from 'zod';

const developmentDatabaseUrl = 'postgres://skier_svc:skier-dev-password@127.0.0.1:5432/skico';

export const skierConfigSchema = z
  .object({
    ...processFields(),
    SKIER_PORT: port(8082, 'Port of the skier service.'),
    DATABASE_URL: url(
      developmentDatabaseUrl,
      ['postgres', 'postgresql'],
      'Postgres URL of the skier service role (owns schema skier).',
    ),
    DATABASE_READ_URL: optionalUrl(
      ['postgres', 'postgresql'],
      'Postgres URL of a read replica for the query side (the same role); empty: reads go to DATABASE_URL.',
    ),
    LIFT_RIDE_URL: urlList(
      'http://127.0.0.1:8083',
      ['http', 'https'],
      "Base URLs of the lift-ride service's replicas (season stats), comma-separated (one URL: one replica); calls go round robin past a replica whose breaker is open.",
    ),
    STATS_TIMEOUT_MS: positiveInt(
      300,
      'Time budget for the season stats of a profile read, in ms; past it the profile is answered without stats (degraded).',
    ),
    PG_POOL_MAX: positiveInt(10, 'Largest number of Postgres connections of this process.'),
  })
  // In production the development passwords are refused: the process stops, naming the variable.
  .superRefine(
    refuseDevelopmentCredentials({ DATABASE_URL: developmentDatabaseUrl, DATABASE_READ_URL: developmentDatabaseUrl }),
  );

export type SkierConfig = z.infer<typeof skierConfigSchema>;
