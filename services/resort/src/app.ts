import { createHttpApp } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Pool } from '@skico/pg';
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
  isDraining?: () => boolean;
}

export function createApp(deps: ResortDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: { postgres: () => deps.pool.query('SELECT 1') },
    mount: (app) => {
      app.use(resortsRouter({ resorts: createResortRepository(deps.pool) }));
      app.use(seasonsRouter({ seasons: createSeasonRepository(deps.pool) }));
      app.use(liftsRouter({ lifts: createLiftRepository(deps.pool) }));
      app.use(weatherRouter({ weather: createWeatherRepository(deps.pool) }));
    },
  });
}
