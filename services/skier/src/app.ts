import { operationsOf } from '@skico/contracts';
import { createHttpApp, type HealthChecks, healthDepsRouter, type Registry, serveOperations } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { FetchStats } from './data/lift-ride-stats.ts';
import type { ProfileRepository } from './data/profile-repository.ts';
import { profileHandlers } from './routes/profiles.ts';

export interface SkierDeps {
  log: Logger;
  profiles: ProfileRepository;
  /** The season stats of a profile read, from the lift-ride service. */
  fetchStats: FetchStats;
  /** Budget of the stats call of a profile read, in ms; past it the answer is degraded. */
  statsTimeoutMs: number;
  /** Shown on /health/deps. */
  breakers: { postgres: Breaker; liftRide: Breaker[] };
  readiness: HealthChecks;
  metrics?: Registry;
  isDraining?: () => boolean;
}

/** Every route of the skier service: its contract operations (the direct path) and its express routes. */
export function createApp(deps: SkierDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    readiness: deps.readiness,
    operations: serveOperations(
      operationsOf('skier'),
      profileHandlers({ profiles: deps.profiles, fetchStats: deps.fetchStats, statsTimeoutMs: deps.statsTimeoutMs }),
    ),
    routes: (app) => {
      app.use(healthDepsRouter({ breakers: [deps.breakers.postgres, ...deps.breakers.liftRide] }));
    },
  });
}
