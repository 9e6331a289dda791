import type { Redis } from '@skico/cache';
import type { HealthDeps } from '@skico/contracts';
import type { AmqpConnection, LiftRideTopology, QueueInspector } from '@skico/messaging';
import type { Breaker } from '@skico/resilience';
import { Router } from 'express';

type State = HealthDeps['dependencies'][string];

/** /health/deps of a lift-ride process: breakers, Redis, the broker, and the queue and dead-letter depths. */
export function healthDepsRouter(deps: {
  breakers: Breaker[];
  redis: Redis;
  amqp: AmqpConnection;
  inspector: QueueInspector;
  topology: LiftRideTopology;
  extra?: () => Record<string, State>;
}): Router {
  const router = Router();
  router.get('/health/deps', async (_req, res) => {
    const dependencies: Record<string, State> = {};
    for (const breaker of deps.breakers) {
      const state = breaker.state();
      dependencies[breaker.name] = {
        status: state === 'closed' ? 'up' : state === 'open' ? 'down' : 'degraded',
        breaker: state,
        inFlight: breaker.inFlight(),
      };
    }
    dependencies.redis = { status: deps.redis.status === 'ready' ? 'up' : 'down' };
    const [queueDepth, deadDepth] = await Promise.all([
      deps.inspector.depth(deps.topology.queue),
      deps.inspector.depth(deps.topology.deadQueue),
    ]);
    const connected = deps.amqp.current() !== undefined;
    dependencies.queue = { status: connected && queueDepth !== undefined ? 'up' : 'down', queueDepth };
    dependencies['dead-letters'] = {
      status: deadDepth === undefined ? 'down' : deadDepth > 0 ? 'degraded' : 'up',
      queueDepth: deadDepth,
    };
    Object.assign(dependencies, deps.extra?.());
    const states = Object.values(dependencies).map((d) => d.status);
    const status = states.every((s) => s === 'up') ? 'up' : states.every((s) => s === 'down') ? 'down' : 'degraded';
    res.json({ status, dependencies } satisfies HealthDeps);
  });
  return router;
}
