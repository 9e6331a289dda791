import type { Redis } from '@skico/cache';
import type { HealthDeps } from '@skico/contracts';
import type { Replicas, Upstream } from '@skico/http';
import type { Breaker } from '@skico/resilience';
import type { UpstreamName } from '../upstream/types.ts';

type DependencyState = HealthDeps['dependencies'][string];

const breakerPart = (breaker: Breaker) => ({ breaker: breaker.state(), inFlight: breaker.inFlight() });

async function upstreamState(upstream: Upstream, breaker: Breaker): Promise<DependencyState> {
  try {
    const answer = await upstream.request({ method: 'GET', path: '/health/ready', timeoutMs: 500 });
    if (answer.status === 200)
      return { status: breaker.state() === 'closed' ? 'up' : 'degraded', ...breakerPart(breaker) };
    return { status: 'down', error: `readiness answered ${answer.status}`, ...breakerPart(breaker) };
  } catch {
    return { status: 'down', error: 'unreachable or too slow', ...breakerPart(breaker) };
  }
}

async function redisState(redis: Redis, breaker: Breaker): Promise<DependencyState> {
  try {
    await breaker.run(() => redis.ping(), { timeoutMs: 500 });
    return { status: 'up', ...breakerPart(breaker) };
  } catch {
    return { status: 'down', error: 'unreachable or too slow', ...breakerPart(breaker) };
  }
}

export interface GatewayHealthSources {
  upstreams: Record<UpstreamName, Replicas<Breaker>>;
  redis: Redis;
  redisBreaker: Breaker;
}

/**
 * The gateway's view of its dependencies: each upstream replica's readiness and breaker (under the
 * replica's name: the service's, or the service's at the replica's address when it has several), and Redis.
 */
export async function gatewayHealth(deps: GatewayHealthSources): Promise<HealthDeps> {
  const replicas = (Object.keys(deps.upstreams) as UpstreamName[]).flatMap((n) => deps.upstreams[n].all);
  const states = await Promise.all([
    ...replicas.map((r) => upstreamState(r.upstream, r.breaker)),
    redisState(deps.redis, deps.redisBreaker),
  ]);
  const dependencies: HealthDeps['dependencies'] = {};
  replicas.forEach((r, i) => {
    dependencies[r.breaker.name] = states[i] as DependencyState;
  });
  dependencies.redis = states[replicas.length] as DependencyState;
  const down = Object.values(dependencies).filter((d) => d.status !== 'up').length;
  const status = down === 0 ? 'up' : down === states.length ? 'down' : 'degraded';
  return { status, dependencies };
}
