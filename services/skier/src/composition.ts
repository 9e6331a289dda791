import {
  baseUrlList,
  createMetricsRegistry,
  createReplicas,
  instrumentBreakers,
  instrumentPool,
  type Lifecycle,
  type Registry,
  type Replicas,
} from '@skico/http';
import type { Logger } from '@skico/log';
import {
  CALLS_PER_CONNECTION,
  createPool,
  guardPool,
  type Pool,
  type ReplicaLag,
  readPool,
  watchReplicaLag,
} from '@skico/pg';
import { type Breaker, createBreaker } from '@skico/resilience';
import type { SkierDeps } from './app.ts';
import type { SkierConfig } from './config.ts';
import { createLiftRideStats } from './data/lift-ride-stats.ts';
import { createProfileRepository } from './data/profile-repository.ts';
import { skierDependencies, skierReplicaReads } from './resilience.ts';

/**
 * The app's dependencies over its clients: the profile repository (every query through the Postgres
 * breaker, so a Postgres that is down answers 503 at once), the lift-ride stats reader and the readiness
 * probe. Tests build the app with it over clients of their own.
 */
export function skierAppDeps(clients: {
  log: Logger;
  pool: Pool;
  /**
   * A read replica with its own breaker and the watch of its lag: profile reads go to it, and to the
   * primary while it is down or lags more than `maxLagMs`.
   */
  replica?: { pool: Pool; breaker: Breaker; lag: ReplicaLag; maxLagMs: number };
  /** The lift-ride service's replicas, each with its own breaker. */
  liftRide: Replicas<Breaker>;
  breakers: { postgres: Breaker };
  /** Budget of the stats call of a profile read, in ms; past it the answer is degraded. */
  statsTimeoutMs: number;
  metrics?: Registry;
  isDraining?: () => boolean;
}): SkierDeps {
  const pool = guardPool(clients.pool, (call) => clients.breakers.postgres.run(call));
  const { replica, log } = clients;
  const reads = replica
    ? readPool({
        replica: guardPool(replica.pool, (call) => replica.breaker.run(call)),
        primary: pool,
        useReplica: () => replica.lag.within(replica.maxLagMs),
        onFallback: (err) => log.debug({ err }, 'read replica unavailable; read from the primary'),
      })
    : pool;
  return {
    log: clients.log,
    profiles: createProfileRepository(pool, reads),
    fetchStats: createLiftRideStats(clients.liftRide),
    statsTimeoutMs: clients.statsTimeoutMs,
    breakers: { postgres: clients.breakers.postgres, liftRide: clients.liftRide.all.map((r) => r.breaker) },
    // The lift-ride service is not a readiness check: without it, profiles are still served (degraded).
    // Through the breaker: a probe cannot pile up on a hung Postgres.
    readiness: { postgres: () => pool.query('SELECT 1') },
    metrics: clients.metrics,
    isDraining: clients.isDraining,
  };
}

/** The read replica's pool, its own breaker and the watch of its lag behind the primary. */
function createReplica(config: SkierConfig, log: Logger, lifecycle: Lifecycle, primary: Pool) {
  const pool = createPool({
    url: config.DATABASE_READ_URL,
    applicationName: 'skier-reads',
    max: config.PG_POOL_MAX,
    log,
  });
  lifecycle.onShutdown('postgres replica', () => pool.end());
  const breaker = createBreaker({
    ...skierDependencies['postgres-replica'],
    capacity: CALLS_PER_CONNECTION * config.PG_POOL_MAX,
  });
  const lag = watchReplicaLag({ primary, replica: pool, intervalMs: skierReplicaReads.sampleIntervalMs });
  lag.start();
  lifecycle.onShutdown('replica lag watch', () => lag.stop());
  return { pool, breaker, lag, maxLagMs: skierReplicaReads.maxLagMs };
}

/** Every client and repository of the skier process, built once; each client registers its close. */
export function composeSkier(config: SkierConfig, log: Logger, lifecycle: Lifecycle): SkierDeps {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'skier', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());
  const breakers = {
    postgres: createBreaker({ ...skierDependencies.postgres, capacity: CALLS_PER_CONNECTION * config.PG_POOL_MAX }),
  };
  const replica = config.DATABASE_READ_URL ? createReplica(config, log, lifecycle, pool) : undefined;
  const metrics = createMetricsRegistry('skier');
  instrumentPool(metrics, pool);
  const liftRide = createReplicas({
    name: 'lift-ride',
    baseUrls: baseUrlList(config.LIFT_RIDE_URL),
    connections: 16,
    // A connect slower than the whole stats budget cannot help.
    connectTimeoutMs: config.STATS_TIMEOUT_MS,
    // The stats budget is each replica's breaker timeout: a call that had all of it and did not answer counts.
    breaker: (name) => createBreaker({ ...skierDependencies['lift-ride'], name, timeoutMs: config.STATS_TIMEOUT_MS }),
  });
  lifecycle.onShutdown('lift-ride client', () => liftRide.close());
  instrumentBreakers(metrics, [
    ...Object.values(breakers),
    ...liftRide.all.map((r) => r.breaker),
    ...(replica ? [replica.breaker] : []),
  ]);
  return skierAppDeps({
    log,
    pool,
    replica,
    liftRide,
    breakers,
    statsTimeoutMs: config.STATS_TIMEOUT_MS,
    metrics,
    isDraining: lifecycle.isShuttingDown,
  });
}
