import type { TokenSettings } from '@skico/auth';
import type { Redis } from '@skico/cache';
import { operations } from '@skico/contracts';
import { createHttpApp, directOperations, type LoadShedder, type Registry, type Upstream } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { Idempotency } from './middleware/idempotency.ts';
import { jsonDepthLimit } from './middleware/json-depth.ts';
import { methodNotAllowed } from './middleware/method-not-allowed.ts';
import { cors, requestShapeLimits, securityHeaders } from './middleware/security.ts';
import type { Statistics } from './middleware/statistics.ts';
import { apiHandlers, operationOf, type UpstreamName } from './routes/api-routes.ts';
import { docsRouter } from './routes/docs.ts';
import { operationsRouter } from './routes/operations.ts';
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
  idempotency: Idempotency;
  statistics: Statistics;
  tokens: TokenSettings;
  metrics: Registry;
  requestTimeoutMs: number;
  /** Front-door limits, CORS and the rate limiter. */
  security: GatewaySecurity;
  /** What the status page shows; without it /status is not served. */
  status?: StatusSources;
  isDraining?: () => boolean;
}

export function createApp(deps: GatewayDeps) {
  const api = apiHandlers({
    operations,
    callUpstream: deps.callUpstream,
    idempotency: deps.idempotency,
    statistics: deps.statistics,
    tokens: deps.tokens,
    timeoutMs: deps.requestTimeoutMs,
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
    shedder: deps.shedder,
    rawBody: true,
    bodyLimitBytes: deps.security.maxBodyBytes,
    front: [securityHeaders(), cors(deps.security.corsOrigins), requestShapeLimits(deps.security)],
    // The services' operations, nearly every request: found in one lookup and served without express.
    direct: directOperations(operationOf, api, guards),
    mount: (app) => {
      for (const guard of guards) app.use(guard);
      app.use(docsRouter());
      app.use(operationsRouter(deps));
      if (deps.status) app.use(statusRouter(deps.status));
      app.use(methodNotAllowed);
    },
  });
}
