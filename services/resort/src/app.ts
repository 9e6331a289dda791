import { createHttpApp, healthDepsRouter, type Registry } from '@skico/http';
import type { Logger } from '@skico/log';
import { guardPool, type Pool } from '@skico/pg';
import type { Breaker } from '@skico/resilience';
import { createLiftRepository } from './data/lift-repository.ts';
import { createResortRepository } from './data/resort-repository.ts';
import { createSeasonRepository } from './data/season-repository.ts';
import { createWeatherRepository } from './data/weather-repository.ts';
import { liftsRouter } from './routes/lifts.ts';
import { resortsRouter } from './routes/resorts.ts';
import { seasonsRouter } from './routes/seasons.ts';
import { weatherRouter } from './routes/weather.ts';

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
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    readiness: { postgres: () => deps.pool.query('SELECT 1') },
    mount: (app) => {
      app.use(healthDepsRouter({ breakers: [deps.postgres] }));
      app.use(resortsRouter({ resorts: createResortRepository(pool) }));
      app.use(seasonsRouter({ seasons: createSeasonRepository(pool) }));
      app.use(liftsRouter({ lifts: createLiftRepository(pool) }));
      app.use(weatherRouter({ weather: createWeatherRepository(pool) }));
    },
  });
}
