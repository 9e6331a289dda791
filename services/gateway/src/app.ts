import type { TokenSettings } from '@skico/auth';
import type { Redis } from '@skico/cache';
import type { HealthDeps } from '@skico/contracts';
import { operations } from '@skico/contracts';
import { createHttpApp, directOperations, type LoadShedder, type Registry, type Upstream } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { Idempotency } from './middleware/idempotency.ts';
import { jsonDepthLimit } from './middleware/json-depth.ts';
import { methodNotAllowed } from './middleware/method-not-allowed.ts';
import { clientOf } from './middleware/rate-limit.ts';
import { cors, requestShapeLimits, securityHeaders } from './middleware/security.ts';
import type { Statistics } from './middleware/statistics.ts';
import { apiHandlers, operationOf, type UpstreamName } from './routes/api-routes.ts';
import { docsRouter } from './routes/docs.ts';
import { healthDepsRouter, statisticsRouter } from './routes/operations.ts';
import { type StatusSources, statusRouter } from './routes/status.ts';
import type { UpstreamCaller } from './routes/upstream-call.ts';
import type { GatewaySecurity } from './security-config.ts';

export interface GatewayDeps {
  log: Logger;
  upstreams: Record<UpstreamName, Upstream>;
  callUpstream: UpstreamCaller;
  breakers: Record<UpstreamName | 'redis', Breaker>;
  shedder?: LoadShedder;
  redis: Redis;
  /** The gateway's dependencies, gathered at most once a second (the internal listener's /health/deps). */
  health: () => Promise<HealthDeps>;
  idempotency: Idempotency;
  statistics: Statistics;
  tokens: TokenSettings;
  metrics: Registry;
  requestTimeoutMs: number;
  /** Front-door limits, CORS and the rate limiter. */
  security: GatewaySecurity;
  /** What the status page shows (internal listener); without it /status is not served. */
  status?: StatusSources;
  isDraining?: () => boolean;
}

/**
 * The public listener: the API, docs, /statistics and the probes. The detailed views (dependency health
 * with breaker states, metrics, the status page) are on the internal listener only (`createOpsApp`).
 */
export function createApp(deps: GatewayDeps) {
  const api = apiHandlers({
    operations,
    callUpstream: deps.callUpstream,
    idempotency: deps.idempotency,
    statistics: deps.statistics,
    tokens: deps.tokens,
    timeoutMs: deps.requestTimeoutMs,
    clientOf: (req) => clientOf(req, deps.security.identity),
  });
  // What every request to the API or to the gateway's own routes passes once its body is read: the rate
  // limiter and the JSON depth limit.
  const guards = [
    ...(deps.security.rateLimiter ? [deps.security.rateLimiter.handle] : []),
    jsonDepthLimit(deps.security.maxJsonDepth),
  ];
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    serveMetrics: false,
    shedder: deps.shedder,
    rawBody: true,
    bodyLimitBytes: deps.security.maxBodyBytes,
    front: [securityHeaders(), cors(deps.security.corsOrigins), requestShapeLimits(deps.security)],
    // The services' operations, nearly every request: found in one lookup and served without express.
    direct: directOperations(operationOf, api, guards),
    mount: (app) => {
      for (const guard of guards) app.use(guard);
      app.use(docsRouter());
      app.use(statisticsRouter(deps));
      app.use(methodNotAllowed);
    },
  });
}

/**
 * The internal listener, for operators and Prometheus, which the compose file and the Kubernetes manifests
 * do not expose: the probes, /metrics, /health/deps and the status page. Shed like the API under overload,
 * except the probes and /metrics.
 */
export function createOpsApp(deps: GatewayDeps) {
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    shedder: deps.shedder,
    front: [securityHeaders()],
    mount: (app) => {
      app.use(healthDepsRouter(deps));
      if (deps.status) app.use(statusRouter(deps.status));
    },
  });
}
