import { port, positiveInt, processFields, url } from '@skico/config';
import { z } from 'zod';

export const skierConfigSchema = z.object({
  ...processFields(),
  SKIER_PORT: port(8082, 'Port of the skier service.'),
  DATABASE_URL: url(
    'postgres://skier_svc:skier-dev-password@127.0.0.1:5432/skico',
    ['postgres', 'postgresql'],
    'Postgres URL of the skier service role (owns schema skier).',
  ),
  LIFT_RIDE_URL: url('http://127.0.0.1:8083', ['http', 'https'], 'Base URL of the lift-ride service (season stats).'),
  STATS_TIMEOUT_MS: positiveInt(
    300,
    'Time budget for the season stats of a profile read, in ms; past it the profile is answered without stats (degraded).',
  ),
  PG_POOL_MAX: positiveInt(10, 'Largest number of Postgres connections of this process.'),
});

export type SkierConfig = z.infer<typeof skierConfigSchema>;
