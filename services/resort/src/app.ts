import { operationsOf } from '@skico/contracts';
import { createHttpApp, directOperations, healthDepsRouter, type Registry } from '@skico/http';
import type { Logger } from '@skico/log';
import { guardPool, type Pool } from '@skico/pg';
import type { Breaker } from '@skico/resilience';
import { createLiftRepository } from './data/lift-repository.ts';
import { createResortRepository } from './data/resort-repository.ts';
import { createSeasonRepository } from './data/season-repository.ts';
import { createWeatherRepository } from './data/weather-repository.ts';
import { liftHandlers } from './routes/lifts.ts';
import { resortHandlers } from './routes/resorts.ts';
import { seasonHandlers } from './routes/seasons.ts';
import { weatherHandlers } from './routes/weather.ts';

export interface ResortDeps {
  log: Logger;
  pool: Pool;
  /** Every query goes through it: a Postgres that is down answers 503 at once. */
  postgres: Breaker;
  metrics?: Registry;
  isDraining?: () => boolean;
}

export function createApp(deps: ResortDeps) {
  const pool = guardPool(deps.pool, (call) => deps.postgres.run(call));
  // The contract's resort operations, served without express.
  const handlers = {
    ...resortHandlers({ resorts: createResortRepository(pool) }),
    ...seasonHandlers({ seasons: createSeasonRepository(pool) }),
    ...liftHandlers({ lifts: createLiftRepository(pool) }),
    ...weatherHandlers({ weather: createWeatherRepository(pool) }),
  };
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    // Through the breaker, as every query: a probe cannot pile up on a hung Postgres.
    readiness: { postgres: () => pool.query('SELECT 1') },
    direct: directOperations(operationsOf('resort'), (operation) => handlers[operation.operationId]),
    mount: (app) => {
      app.use(healthDepsRouter({ breakers: [deps.postgres] }));
    },
  });
}
