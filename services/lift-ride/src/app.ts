import type { Redis } from '@skico/cache';
import { createHttpApp } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Pool } from '@skico/pg';

export interface LiftRideDeps {
  log: Logger;
  pool: Pool;
  redis: Redis;
  isDraining?: () => boolean;
}

export function createApp(deps: LiftRideDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    readiness: { postgres: () => deps.pool.query('SELECT 1') },
    mount: () => undefined,
  });
}
