import { operationsOf } from '@skico/contracts';
import { createHttpApp, type HealthChecks, healthDepsRouter, type Registry, serveOperations } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { LiftRepository } from './data/lift-repository.ts';
import type { ResortRepository } from './data/resort-repository.ts';
import type { SeasonRepository } from './data/season-repository.ts';
import type { WeatherRepository } from './data/weather-repository.ts';
import { liftHandlers } from './routes/lifts.ts';
import { resortHandlers } from './routes/resorts.ts';
import { seasonHandlers } from './routes/seasons.ts';
import { weatherHandlers } from './routes/weather.ts';

export interface ResortDeps {
  log: Logger;
  resorts: ResortRepository;
  seasons: SeasonRepository;
  lifts: LiftRepository;
  weather: WeatherRepository;
  /** The breaker every query goes through, shown on /health/deps. */
  postgres: Breaker;
  readiness: HealthChecks;
  metrics?: Registry;
  isDraining?: () => boolean;
}

/** Every route of the resort service: its contract operations (the direct path) and its express routes. */
export function createApp(deps: ResortDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    readiness: deps.readiness,
    operations: serveOperations(operationsOf('resort'), {
      ...resortHandlers({ resorts: deps.resorts }),
      ...seasonHandlers({ seasons: deps.seasons }),
      ...liftHandlers({ lifts: deps.lifts }),
      ...weatherHandlers({ weather: deps.weather }),
    }),
    routes: (app) => {
      app.use(healthDepsRouter({ breakers: [deps.postgres] }));
    },
  });
}
