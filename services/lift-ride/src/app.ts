import { operationsOf } from '@skico/contracts';
import { createHttpApp, directOperations, type HealthChecks, type Registry } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Router } from 'express';
import type { RecordRide } from './domain/record-ride.ts';
import type { RideReads } from './domain/ride-reads.ts';
import { internalRouter, rideHandlers } from './routes/rides.ts';

export interface LiftRideDeps {
  log: Logger;
  record: RecordRide;
  reads: RideReads;
  readiness: HealthChecks;
  metrics?: Registry;
  healthDeps?: Router;
  isDraining?: () => boolean;
}

export function createApp(deps: LiftRideDeps) {
  const handlers = rideHandlers({ record: deps.record, reads: deps.reads });
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: deps.readiness,
    metrics: deps.metrics,
    direct: directOperations(operationsOf('lift-ride'), (operation) => handlers[operation.operationId]),
    mount: (app) => {
      if (deps.healthDeps) app.use(deps.healthDeps);
      app.use(internalRouter({ reads: deps.reads }));
    },
  });
}
