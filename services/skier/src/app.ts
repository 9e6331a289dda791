import { operationsOf } from '@skico/contracts';
import { createHttpApp, directOperations, healthDepsRouter, type Registry, type Upstream } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Pool } from '@skico/pg';
import type { Breaker } from '@skico/resilience';
import { createLiftRideStats } from './data/lift-ride-stats.ts';
import { createProfileRepository } from './data/profile-repository.ts';
import { profileHandlers } from './routes/profiles.ts';

export interface SkierDeps {
  log: Logger;
  pool: Pool;
  /** The lift-ride service, for the season stats of a profile read. */
  liftRide: Upstream;
  breakers: { postgres: Breaker; liftRide: Breaker };
  metrics?: Registry;
  /** Budget of the stats call of a profile read, in ms; past it the answer is degraded. */
  statsTimeoutMs: number;
  isDraining?: () => boolean;
}

export function createApp(deps: SkierDeps) {
  const profiles = createProfileRepository(deps.pool);
  const fetchStats = createLiftRideStats(deps.liftRide, deps.breakers.liftRide);
  const handlers = profileHandlers({ profiles, fetchStats, statsTimeoutMs: deps.statsTimeoutMs });
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    // The lift-ride service is not a readiness check: without it, profiles are still served (degraded).
    // Through the breaker: a probe cannot pile up on a hung Postgres.
    readiness: { postgres: () => deps.breakers.postgres.run(() => deps.pool.query('SELECT 1')) },
    // The contract's skier operations, served without express.
    direct: directOperations(operationsOf('skier'), (operation) => handlers[operation.operationId]),
    mount: (app) => {
      app.use(healthDepsRouter({ breakers: [deps.breakers.postgres, deps.breakers.liftRide] }));
    },
  });
}
