import { operationsOf } from '@skico/contracts';
import { createHttpApp, directOperations, type HealthChecks, type Registry } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Router } from 'express';
import type { RideService } from './domain/ride-service.ts';
import { internalRouter, rideHandlers } from './routes/rides.ts';

export interface LiftRideDeps {
  log: Logger;
  rides: RideService;
  readiness: HealthChecks;
  metrics?: Registry;
  healthDeps?: Router;
  isDraining?: () => boolean;
}

export function createApp(deps: LiftRideDeps) {
  const handlers = rideHandlers({ rides: deps.rides });
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: deps.readiness,
    metrics: deps.metrics,
    direct: directOperations(operationsOf('lift-ride'), (operation) => handlers[operation.operationId]),
    mount: (app) => {
      if (deps.healthDeps) app.use(deps.healthDeps);
      app.use(internalRouter({ rides: deps.rides }));
    },
  });
}
