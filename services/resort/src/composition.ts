import { createMetricsRegistry, instrumentBreakers, instrumentPool, type Lifecycle, type Registry } from '@skico/http';
import type { Logger } from '@skico/log';
import { CALLS_PER_CONNECTION, createPool, guardPool, type Pool } from '@skico/pg';
import { type Breaker, createBreaker } from '@skico/resilience';
import type { ResortDeps } from './app.ts';
import type { ResortConfig } from './config.ts';
import { createLiftRepository } from './data/lift-repository.ts';
import { createResortRepository } from './data/resort-repository.ts';
import { createSeasonRepository } from './data/season-repository.ts';
import { createWeatherRepository } from './data/weather-repository.ts';
import { resortDependencies } from './resilience.ts';

/**
 * The app's dependencies over a pool and its breaker: the repositories and the readiness probe. Every
 * query goes through the breaker, so a Postgres that is down answers 503 at once. Tests build the app
 * with it over a pool of their own.
 */
export function resortAppDeps(clients: {
  log: Logger;
  pool: Pool;
  postgres: Breaker;
  metrics?: Registry;
  isDraining?: () => boolean;
}): ResortDeps {
  const pool = guardPool(clients.pool, (call) => clients.postgres.run(call));
  return {
    log: clients.log,
    resorts: createResortRepository(pool),
    seasons: createSeasonRepository(pool),
    lifts: createLiftRepository(pool),
    weather: createWeatherRepository(pool),
    postgres: clients.postgres,
    // Through the breaker, as every query: a probe cannot pile up on a hung Postgres.
    readiness: { postgres: () => pool.query('SELECT 1') },
    metrics: clients.metrics,
    isDraining: clients.isDraining,
  };
}

/** Every client and repository of the resort process, built once; each client registers its close. */
export function composeResort(config: ResortConfig, log: Logger, lifecycle: Lifecycle): ResortDeps {
  const pool = createPool({ url: config.DATABASE_URL, applicationName: 'resort', max: config.PG_POOL_MAX, log });
  lifecycle.onShutdown('postgres', () => pool.end());
  const postgres = createBreaker({
    ...resortDependencies.postgres,
    capacity: CALLS_PER_CONNECTION * config.PG_POOL_MAX,
  });
  const metrics = createMetricsRegistry('resort');
  instrumentBreakers(metrics, [postgres]);
  instrumentPool(metrics, pool);
  return resortAppDeps({ log, pool, postgres, metrics, isDraining: lifecycle.isShuttingDown });
}
