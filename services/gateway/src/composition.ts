import type { TokenSettings } from '@skico/auth';
import { createRedisClient, reconnectWhenOpen } from '@skico/cache';
import type { HealthDeps, StatusReport } from '@skico/contracts';
import {
  baseUrlList,
  createLoadShedder,
  createMetricsRegistry,
  createReplicas,
  createUpstream,
  instrumentBreakers,
  instrumentShedder,
  type Lifecycle,
  type LoadShedder,
  type Registry,
  replicaName,
  sharedFor,
} from '@skico/http';
import type { Logger } from '@skico/log';
import { createBreaker, createBulkhead, createRetryBudget } from '@skico/resilience';
import type { GatewayConfig } from './config.ts';
import { createGatewayGuards, type GatewayGuards } from './guards/gateway-guards.ts';
import { createServerClock } from './guards/server-clock.ts';
import { collectStatus } from './health/collect-status.ts';
import { gatewayHealth } from './health/gateway-health.ts';
import { createIdempotency, type Idempotency } from './idempotency/idempotency.ts';
import { idempotencyMetrics } from './idempotency/idempotency-metrics.ts';
import { gatewayResilience as knobs, upstreamCapacity } from './resilience.ts';
import { createStatistics, type Statistics } from './statistics/statistics.ts';
import type { UpstreamName } from './upstream/types.ts';
import { upstreamCallMetrics } from './upstream/upstream-call-metrics.ts';
import { createUpstreamCaller, type UpstreamCaller } from './upstream/upstream-caller.ts';

/** What the shared clock may be off by when a claim's deadline is set (guards/server-clock.ts: 50 ms and drift). */
const CLAIM_CLOCK_MARGIN_MS = 100;

/** What the gateway's two listeners serve from: every client, store, guard and use case, built once. */
export interface GatewayDeps {
  log: Logger;
  callUpstream: UpstreamCaller;
  shedder?: LoadShedder;
  /** The gateway's dependencies, gathered at most once a second (the internal listener's /health/deps). */
  health: () => Promise<HealthDeps>;
  idempotency: Idempotency;
  statistics: Statistics;
  tokens: TokenSettings;
  metrics: Registry;
  requestTimeoutMs: number;
  /** Front-door limits, CORS, the rate limiter and who is asking. */
  guards: GatewayGuards;
  /** The status page's report (internal listener), shared for a second; without it /status is not served. */
  status?: () => Promise<StatusReport>;
  isDraining?: () => boolean;
}

/**
 * The gateway's clients and guards from its config: a keep-alive pool, a breaker and two bulkheads per
 * upstream, Redis behind its own breaker, the retry budget and the load shedder. Every resource
 * registers its close. Called by main.ts (and by tests that build the same app).
 */
export function createGatewayDeps(config: GatewayConfig, log: Logger, lifecycle: Lifecycle): GatewayDeps {
  const names: UpstreamName[] = ['resort', 'skier', 'lift-ride'];
  const baseUrls: Record<UpstreamName, string> = {
    resort: config.RESORT_URL,
    skier: config.SKIER_URL,
    'lift-ride': config.LIFT_RIDE_URL,
  };
  // Each replica of a service has its own pool and its own breaker, named after the replica.
  const upstreams = Object.fromEntries(
    names.map((name) => {
      const replicas = createReplicas({
        name,
        baseUrls: baseUrlList(baseUrls[name]),
        connections: config.UPSTREAM_CONNECTIONS,
        breaker: (replica) =>
          createBreaker({ ...knobs.breakers[name], name: replica, capacity: upstreamCapacity(config) }),
      });
      lifecycle.onShutdown(`upstream ${name}`, () => replicas.close());
      return [name, replicas];
    }),
  ) as Parameters<typeof createUpstreamCaller>[0]['upstreams'];
  const redisBreaker = createBreaker(knobs.breakers.redis);
  const replicaBreakers = names.flatMap((name) => upstreams[name].all.map((r) => r.breaker));
  const bulkheads = Object.fromEntries(
    names.flatMap((name) =>
      (['read', 'write'] as const).map((cls) => [
        `${name}:${cls}`,
        createBulkhead(`${name} ${cls}s`, cls === 'read' ? config.READ_CONCURRENCY : config.WRITE_CONCURRENCY),
      ]),
    ),
  ) as Parameters<typeof createUpstreamCaller>[0]['bulkheads'];
  const redis = createRedisClient({ url: config.REDIS_URL, keyPrefix: config.NAMESPACE, log });
  lifecycle.onShutdown('redis', () => redis.quit().then(() => undefined));
  reconnectWhenOpen(redis, redisBreaker);
  const metrics = createMetricsRegistry('gateway');
  instrumentBreakers(metrics, [...replicaBreakers, redisBreaker]);
  const shedder = createLoadShedder(knobs.shedding);
  lifecycle.onShutdown('load shedder', () => shedder.stop());
  instrumentShedder(metrics, shedder);
  // Only the status page asks the workers anything (their /health/deps).
  const workerUrls = baseUrlList(config.LIFT_RIDE_WORKER_URL);
  const workers = workerUrls.map((baseUrl) => {
    const name = replicaName('lift-ride-worker', baseUrl, workerUrls.length);
    const upstream = createUpstream({ name, baseUrl, connections: 2 });
    lifecycle.onShutdown(`upstream ${name}`, () => upstream.close());
    return { name, upstream };
  });
  // One fan-out to the services and one Redis ping a second, however many operators and pages ask.
  const health = sharedFor(1_000, () => gatewayHealth({ upstreams, redis, redisBreaker }));
  const statistics = createStatistics({ windowSeconds: config.STATISTICS_WINDOW_SECONDS });
  // Redis's clock, which every replica shares: rate-limit windows and token times are judged by it, so a
  // replica whose own clock is off does not grant extra budget or misjudge tokens (guards/server-clock.ts).
  const clock = createServerClock({ redis, breaker: redisBreaker, log });
  lifecycle.onShutdown('server clock', () => clock.close());
  const guards = createGatewayGuards(config, { redis, breaker: redisBreaker, log, metrics, now: clock.now });
  // Registered after Redis, so it runs before Redis closes: the last counts are shared.
  const limiter = guards.rateLimiter;
  if (limiter) lifecycle.onShutdown('rate limiter', () => limiter.close());
  const processes = [
    ...names.flatMap((name) => upstreams[name].all.map((r) => ({ name: r.upstream.name, upstream: r.upstream }))),
    ...workers,
  ];

  return {
    log,
    shedder,
    callUpstream: createUpstreamCaller({
      upstreams,
      bulkheads,
      retry: knobs.retry,
      budget: createRetryBudget(knobs.retryBudget),
      count: upstreamCallMetrics(metrics),
    }),
    health,
    idempotency: createIdempotency({
      redis,
      breaker: redisBreaker,
      retentionSeconds: config.IDEMPOTENCY_RETENTION_SECONDS,
      lockSeconds: 30,
      log,
      count: idempotencyMetrics(metrics),
      // A claim must reach Redis within the breaker's timeout (and the clock's error): later, its request
      // has run without a record, and the claim would only hold the key in flight for nothing.
      claimDeadline: () => (clock.known() ? clock.now() + knobs.breakers.redis.timeoutMs + CLAIM_CLOCK_MARGIN_MS : 0),
    }),
    statistics,
    tokens: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE, now: clock.now },
    metrics,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    guards,
    // Shared for a second: many open pages do not multiply the calls to every process.
    status: sharedFor(1_000, () => collectStatus({ gateway: health, processes, statistics, shedder })),
    isDraining: lifecycle.isShuttingDown,
  };
}
