import { Router } from 'express';
import { sharedFor } from './shared-answer.ts';

export interface GuardedDependency {
  name: string;
  state: () => 'closed' | 'open' | 'half-open';
  inFlight: () => number;
}

export interface DependencyState {
  status: 'up' | 'degraded' | 'down';
  breaker?: 'closed' | 'open' | 'half-open';
  inFlight?: number;
  queueDepth?: number;
  error?: string;
}

/** A breaker's view of its dependency: closed is up, half-open is degraded, open is down. */
export function breakerState(breaker: GuardedDependency): DependencyState {
  const state = breaker.state();
  return {
    status: state === 'closed' ? 'up' : state === 'open' ? 'down' : 'degraded',
    breaker: state,
    inFlight: breaker.inFlight(),
  };
}

/** Overall status: up when everything is, down when nothing is, degraded in between. */
export function overallStatus(states: DependencyState[]): DependencyState['status'] {
  if (states.every((s) => s.status === 'up')) return 'up';
  return states.every((s) => s.status === 'down') ? 'down' : 'degraded';
}

/** How long one /health/deps answer is shared: many callers cost one probe of each dependency a second. */
const SHARED_MS = 1000;

/**
 * /health/deps: each dependency's breaker state plus any extra state (queue depths, a consumer), gathered
 * at most once a second.
 */
export function healthDepsRouter(options: {
  breakers: GuardedDependency[];
  extra?: () => Promise<Record<string, DependencyState>> | Record<string, DependencyState>;
}): Router {
  const router = Router();
  const gather = sharedFor(SHARED_MS, async () => {
    const dependencies: Record<string, DependencyState> = {};
    for (const breaker of options.breakers) dependencies[breaker.name] = breakerState(breaker);
    Object.assign(dependencies, await options.extra?.());
    return { status: overallStatus(Object.values(dependencies)), dependencies };
  });
  router.get('/health/deps', async (_req, res) => {
    res.json(await gather());
  });
  return router;
}
