import { operationsOf } from '@skico/contracts';
import { createHttpApp, type HealthChecks, type Registry, serveOperations } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Router } from 'express';
import type { RecordRide } from './domain/record-ride.ts';
import type { RideReads } from './domain/ride-reads.ts';
import { rideHandlers } from './routes/rides.ts';

export interface LiftRideDeps {
  log: Logger;
  record: RecordRide;
  reads: RideReads;
  readiness: HealthChecks;
  metrics?: Registry;
  healthDeps?: Router;
  isDraining?: () => boolean;
}

/** Every route of the lift-ride API: its contract operations (the direct path) and its express routes. */
export function createApp(deps: LiftRideDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: deps.readiness,
    metrics: deps.metrics,
    operations: serveOperations(operationsOf('lift-ride'), rideHandlers({ record: deps.record, reads: deps.reads })),
    routes: (app) => {
      if (deps.healthDeps) app.use(deps.healthDeps);
    },
  });
}
