import { Router } from 'express';

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

/** /health/deps: each dependency's breaker state plus any extra state (queue depths, a consumer). */
export function healthDepsRouter(options: {
  breakers: GuardedDependency[];
  extra?: () => Promise<Record<string, DependencyState>> | Record<string, DependencyState>;
}): Router {
  const router = Router();
  router.get('/health/deps', async (_req, res) => {
    const dependencies: Record<string, DependencyState> = {};
    for (const breaker of options.breakers) dependencies[breaker.name] = breakerState(breaker);
    Object.assign(dependencies, await options.extra?.());
    res.json({ status: overallStatus(Object.values(dependencies)), dependencies });
  });
  return router;
}
