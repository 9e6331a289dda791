import type { Redis } from '@skico/cache';
import { breakerState, type DependencyState, type GuardedDependency, healthDepsRouter } from '@skico/http';
import type { AmqpConnection, LiftRideTopology, QueueInspector } from '@skico/messaging';
import type { Router } from 'express';

/** /health/deps of a lift-ride process: breakers, Redis, the broker, and the queue and dead-letter depths. */
export function liftRideHealthDeps(deps: {
  breakers: GuardedDependency[];
  redis: Redis;
  redisBreaker: GuardedDependency;
  amqp: AmqpConnection;
  inspector: QueueInspector;
  topology: LiftRideTopology;
  extra?: () => Record<string, DependencyState>;
}): Router {
  return healthDepsRouter({
    breakers: deps.breakers,
    extra: async () => {
      const [queueDepth, deadDepth] = await Promise.all([
        deps.inspector.depth(deps.topology.queue),
        deps.inspector.depth(deps.topology.deadQueue),
      ]);
      const connected = deps.amqp.current() !== undefined;
      return {
        redis: {
          ...breakerState(deps.redisBreaker),
          ...(deps.redis.status === 'ready'
            ? {}
            : { status: 'down' as const, error: `connection ${deps.redis.status}` }),
        },
        queue: { status: connected && queueDepth !== undefined ? 'up' : 'down', queueDepth },
        'dead-letters': {
          status: deadDepth === undefined ? 'down' : deadDepth > 0 ? 'degraded' : 'up',
          queueDepth: deadDepth,
        },
        ...deps.extra?.(),
      };
    },
  });
}
