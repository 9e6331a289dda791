import { createHttpApp } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Pool } from '@skico/pg';
import { createResortRepository } from './data/resort-repository.ts';
import { resortsRouter } from './routes/resorts.ts';

export interface ResortDeps {
  log: Logger;
  pool: Pool;
  isDraining?: () => boolean;
}

export function createApp(deps: ResortDeps) {
  const resorts = createResortRepository(deps.pool);
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: { postgres: () => deps.pool.query('SELECT 1') },
    mount: (app) => {
      app.use(resortsRouter({ resorts }));
    },
  });
}
