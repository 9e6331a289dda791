import type { Redis } from '@skico/cache';
import type { HealthDeps } from '@skico/contracts';
import type { Upstream } from '@skico/http';
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
  upstreams: Record<UpstreamName, Upstream>;
  breakers: Record<UpstreamName | 'redis', Breaker>;
  redis: Redis;
}

/** The gateway's view of its dependencies: each upstream's readiness and breaker, and Redis. */
export async function gatewayHealth(deps: GatewayHealthSources): Promise<HealthDeps> {
  const names = Object.keys(deps.upstreams) as UpstreamName[];
  const states = await Promise.all([
    ...names.map((n) => upstreamState(deps.upstreams[n], deps.breakers[n])),
    redisState(deps.redis, deps.breakers.redis),
  ]);
  const dependencies: HealthDeps['dependencies'] = {};
  names.forEach((name, i) => {
    dependencies[name] = states[i] as DependencyState;
  });
  dependencies.redis = states[names.length] as DependencyState;
  const down = Object.values(dependencies).filter((d) => d.status !== 'up').length;
  const status = down === 0 ? 'up' : down === states.length ? 'down' : 'degraded';
  return { status, dependencies };
}
