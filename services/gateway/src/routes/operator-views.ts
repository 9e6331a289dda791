import type { HealthDeps } from '@skico/contracts';
import type { RequestHandler } from 'express';
import type { Statistics } from '../statistics/statistics.ts';

/** GET /statistics (course contract): mean and max latency per route over the statistics window. */
export function statisticsView(statistics: Statistics): RequestHandler {
  return (_req, res) => {
    res.json({ endpointStats: statistics.snapshot() });
  };
}

/** GET /health/deps: `health` is shared for a second, so callers do not multiply the checks behind it. */
export function healthDepsView(health: () => Promise<HealthDeps>): RequestHandler {
  return async (_req, res) => {
    res.json(await health());
  };
}
