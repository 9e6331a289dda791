import type { TokenSettings } from '@skico/auth';
import type { Redis } from '@skico/cache';
import { operations } from '@skico/contracts';
import { createHttpApp, type LoadShedder, type Registry, type Upstream } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { Idempotency } from './middleware/idempotency.ts';
import { jsonDepthLimit } from './middleware/json-depth.ts';
import { methodNotAllowed } from './middleware/method-not-allowed.ts';
import { cors, requestShapeLimits, securityHeaders } from './middleware/security.ts';
import type { Statistics } from './middleware/statistics.ts';
import { apiRouter, type UpstreamName } from './routes/api-routes.ts';
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
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    shedder: deps.shedder,
    rawBody: true,
    bodyLimitBytes: deps.security.maxBodyBytes,
    before: (app) => {
      app.set('trust proxy', deps.security.trustProxyHops);
      app.use(securityHeaders());
      app.use(cors(deps.security.corsOrigins));
      app.use(requestShapeLimits(deps.security));
    },
    mount: (app) => {
      if (deps.security.rateLimiter) app.use(deps.security.rateLimiter.handle);
      app.use(jsonDepthLimit(deps.security.maxJsonDepth));
      // The API first: nearly every request is for it, and it is found in one lookup.
      app.use(
        apiRouter({
          operations,
          callUpstream: deps.callUpstream,
          idempotency: deps.idempotency,
          statistics: deps.statistics,
          tokens: deps.tokens,
          timeoutMs: deps.requestTimeoutMs,
        }),
      );
      app.use(docsRouter());
      app.use(operationsRouter(deps));
      if (deps.status) app.use(statusRouter(deps.status));
      app.use(methodNotAllowed);
    },
  });
}
