import { operations } from '@skico/contracts';
import { createHttpApp, directOperations } from '@skico/http';
import type { GatewayDeps } from './composition.ts';
import { methodNotAllowed } from './guards/method-not-allowed.ts';
import { apiHandlers } from './routes/api-handlers.ts';
import { docsAssets, docsInit, docsPage, openApiDocument } from './routes/docs.ts';
import { healthDepsView, statisticsView } from './routes/operator-views.ts';
import { statusPageView, statusReport } from './routes/status.ts';
import { timed } from './statistics/record-latency.ts';
import { operationOf } from './upstream/api-request.ts';

/**
 * The public listener: the API, docs, /statistics and the probes. The detailed views (dependency health
 * with breaker states, metrics, the status page) are on the internal listener only (`createOpsApp`).
 */
export function createApp(deps: GatewayDeps) {
  const { guards } = deps;
  const api = apiHandlers({
    operations,
    callUpstream: deps.callUpstream,
    idempotency: deps.idempotency,
    statistics: deps.statistics,
    tokens: deps.tokens,
    timeoutMs: deps.requestTimeoutMs,
    clientOf: guards.clientOf,
  });
  // What every request to the API or to the gateway's own routes passes once its body is read: the rate
  // limiter and the JSON depth limit.
  const bodyGuards = [...(guards.rateLimiter ? [guards.rateLimiter.handle] : []), guards.jsonDepth];
  return createHttpApp({
    log: deps.log,
    isDraining: deps.isDraining,
    metrics: deps.metrics,
    serveMetrics: false,
    shedder: deps.shedder,
    rawBody: true,
    bodyLimitBytes: guards.maxBodyBytes,
    front: [guards.securityHeaders, guards.cors, guards.requestShape],
    // The services' operations, nearly every request: found in one lookup and served without express.
    operations: directOperations(operationOf, api, bodyGuards),
    // The gateway's own operations and pages.
    routes: (app) => {
      for (const guard of bodyGuards) app.use(guard);
      app.get('/openapi.json', openApiDocument());
      app.get('/docs', docsPage);
      app.get('/docs/init.js', docsInit);
      app.use('/docs/assets', docsAssets());
      app.get('/statistics', timed(deps.statistics, '/statistics'), statisticsView(deps.statistics));
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
    front: [deps.guards.securityHeaders],
    routes: (app) => {
      app.get('/health/deps', healthDepsView(deps.health));
      if (deps.status) {
        app.get('/status.json', statusReport(deps.status));
        app.get('/status', statusPageView);
      }
    },
  });
}
