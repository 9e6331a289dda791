import { createHttpApp } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Pool } from '@skico/pg';

export interface SkierDeps {
  log: Logger;
  pool: Pool;
  isDraining?: () => boolean;
}

export function createApp(deps: SkierDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: { postgres: () => deps.pool.query('SELECT 1') },
    mount: () => undefined,
  });
}
