import { createHttpApp, type HealthChecks } from '@skico/http';
import type { Logger } from '@skico/log';
import type { RideService } from './domain/ride-service.ts';
import { ridesRouter } from './routes/rides.ts';

export interface LiftRideDeps {
  log: Logger;
  rides: RideService;
  readiness: HealthChecks;
  isDraining?: () => boolean;
}

export function createApp(deps: LiftRideDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: deps.readiness,
    mount: (app) => {
      app.use(ridesRouter({ rides: deps.rides }));
    },
  });
}
