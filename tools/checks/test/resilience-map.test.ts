import { gatewayResilience } from '@skico/gateway';
import { liftRideDependencies, replicaReads } from '@skico/lift-ride';
import { CALLS_PER_CONNECTION } from '@skico/pg';
import { skierDependencies } from '@skico/skier';
import { describe, expect, it } from 'vitest';
import { defaults, resilienceMap } from '../src/resilience-map.ts';

const budget = defaults.gateway.REQUEST_TIMEOUT_MS;

describe('the resilience map', () => {
  it('when a service calls a dependency, then its timeout is below the gateway request budget', () => {
    for (const [process, breakers] of Object.entries(resilienceMap)) {
      if (process === 'gateway') continue;
      for (const b of breakers) expect(b.timeoutMs, `${process} → ${b.name}`).toBeLessThan(budget);
    }
  });

  it('when the gateway calls an upstream, then no single call outlives the request budget', () => {
    for (const b of resilienceMap.gateway ?? []) expect(b.timeoutMs).toBeLessThanOrEqual(budget);
  });

  it('when a ride is published and then falls back, then both fit in the budget', () => {
    const { rabbitmq, fallback } = liftRideDependencies;
    expect(rabbitmq.timeoutMs).toBeGreaterThanOrEqual(defaults.liftRide.PUBLISH_TIMEOUT_MS);
    expect(defaults.liftRide.PUBLISH_TIMEOUT_MS + fallback.timeoutMs).toBeLessThan(budget);
  });

  it('when a read from the lagging replica fills the cache, then it lands while the invalidation it missed still refuses fills', () => {
    // A replica read sees what the primary had at most maxLagMs before it began; a write it missed was
    // invalidated after that, and the read and its fill end within their timeouts.
    const { maxLagMs, tombstoneMs } = replicaReads;
    const readAndFill = liftRideDependencies['postgres-replica'].timeoutMs + liftRideDependencies.redis.timeoutMs;
    expect(maxLagMs + readAndFill).toBeLessThanOrEqual(tombstoneMs - 1_000);
  });

  it('when retries back off, then all of them fit in the budget and their share stays bounded', () => {
    const { retry, retryBudget } = gatewayResilience;
    const worstBackoff = (retry.maxAttempts - 1) * retry.maxDelayMs;
    expect(worstBackoff).toBeLessThan(budget / 2);
    expect(retryBudget.ratio).toBeLessThanOrEqual(0.2);
  });

  it('when bulkheads are sized, then none exceeds the pool it draws on, and writes leave room for reads', () => {
    const connections = defaults.gateway.UPSTREAM_CONNECTIONS;
    const read = defaults.gateway.READ_CONCURRENCY;
    const write = defaults.gateway.WRITE_CONCURRENCY;
    expect(read).toBeLessThanOrEqual(connections);
    expect(write).toBeLessThan(connections);
    expect(defaults.liftRide.FALLBACK_CONCURRENCY).toBeLessThan(defaults.liftRide.PG_POOL_MAX);
    for (const [process, breakers] of Object.entries(resilienceMap)) {
      const postgres = breakers.find((b) => b.name === 'postgres');
      const pool = process === 'skier' ? defaults.skier.PG_POOL_MAX : defaults.liftRide.PG_POOL_MAX;
      // A burst may wait briefly for a connection, no more than CALLS_PER_CONNECTION per connection.
      if (postgres) expect(postgres.capacity, process).toBeLessThanOrEqual(CALLS_PER_CONNECTION * pool);
    }
    // What the gateway admits towards the lift-ride service is not refused again by its Postgres bulkhead.
    expect(CALLS_PER_CONNECTION * defaults.liftRide.PG_POOL_MAX).toBeGreaterThanOrEqual(read);
  });

  it('when bulkheads feed a breaker, then its capacity is at least their sum: only a bulkhead refuses excess', () => {
    const feeders: Record<string, Record<string, number[]>> = {
      gateway: Object.fromEntries(
        ['resort', 'skier', 'lift-ride'].map((n) => [
          n,
          [defaults.gateway.READ_CONCURRENCY, defaults.gateway.WRITE_CONCURRENCY],
        ]),
      ),
    };
    for (const [process, byDependency] of Object.entries(feeders)) {
      for (const [name, bulkheads] of Object.entries(byDependency)) {
        const breaker = resilienceMap[process]?.find((b) => b.name === name);
        const sum = bulkheads.reduce((a, b) => a + b, 0);
        expect(breaker?.capacity, `${process} → ${name}`).toBeGreaterThanOrEqual(sum);
      }
    }
  });

  it('when a stats call has the whole stats budget, then that is the breaker’s timeout, so its timeouts count', () => {
    // A shorter call is the caller's (its deadline) and does not count; a longer timeout would count nothing.
    expect(skierDependencies['lift-ride'].timeoutMs).toBe(defaults.skier.STATS_TIMEOUT_MS);
  });

  it('when Redis is slow, then its breaker gives up before the client would', () => {
    expect(gatewayResilience.breakers.redis.timeoutMs).toBeLessThan(500);
    expect(liftRideDependencies.redis.timeoutMs).toBeLessThan(500);
  });
});
