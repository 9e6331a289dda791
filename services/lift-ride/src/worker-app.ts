import { createHttpApp, type HealthChecks, type Registry } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Router } from 'express';

export interface WorkerDeps {
  log: Logger;
  metrics: Registry;
  readiness: HealthChecks;
  healthDeps: Router;
  isDraining: () => boolean;
}

/** The worker's own port: health, readiness, /health/deps and metrics; it serves no operation. */
export function createWorkerApp(deps: WorkerDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    readiness: deps.readiness,
    routes: (app) => {
      app.use(deps.healthDeps);
    },
  });
}
