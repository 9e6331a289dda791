import { createHttpApp, type HealthChecks, type Registry } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Router } from 'express';
import type { RideService } from './domain/ride-service.ts';
import { ridesRouter } from './routes/rides.ts';

export interface LiftRideDeps {
  log: Logger;
  rides: RideService;
  readiness: HealthChecks;
  metrics?: Registry;
  healthDeps?: Router;
  isDraining?: () => boolean;
}

export function createApp(deps: LiftRideDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: deps.readiness,
    metrics: deps.metrics,
    mount: (app) => {
      if (deps.healthDeps) app.use(deps.healthDeps);
      app.use(ridesRouter({ rides: deps.rides }));
    },
  });
}
