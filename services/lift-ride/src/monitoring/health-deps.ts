import type { Redis } from '@skico/cache';
import { breakerState, type DependencyState, type GuardedDependency, healthDepsRouter } from '@skico/http';
import type { AmqpConnection, QueueInspector, QueueTopology } from '@skico/messaging';
import type { Router } from 'express';

/** /health/deps of a lift-ride process: breakers, Redis, the broker, and the queue and dead-letter depths. */
export function liftRideHealthDeps(deps: {
  breakers: GuardedDependency[];
  redis: Redis;
  redisBreaker: GuardedDependency & { run: <T>(call: () => Promise<T>) => Promise<T> };
  amqp: AmqpConnection;
  inspector: QueueInspector;
  topology: QueueTopology;
  extra?: () => Record<string, DependencyState>;
}): Router {
  return healthDepsRouter({
    breakers: deps.breakers,
    extra: async () => {
      const [queueDepth, deadDepth, redisError] = await Promise.all([
        deps.inspector.depth(deps.topology.queue),
        deps.inspector.depth(deps.topology.deadQueue),
        // A ping through the breaker: the probe is also the trial call that lets it close again.
        deps.redisBreaker
          .run(() => deps.redis.ping())
          .then(
            () => undefined,
            () => 'unreachable or too slow',
          ),
      ]);
      const connected = deps.amqp.current() !== undefined;
      return {
        redis: {
          ...breakerState(deps.redisBreaker),
          ...(redisError ? { status: 'down' as const, error: redisError } : {}),
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
