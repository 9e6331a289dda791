import type { Request, RequestHandler, Response } from 'express';
import { Router } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export type { Registry };

/** One registry per process, with Node's runtime metrics and the service name as a label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The route template a request matched (`/resorts/:resortID`), or `unmatched`: never the raw path. */
export function routeLabel(req: Request): string {
  const path = (req.route as { path?: string } | undefined)?.path;
  return path ? `${req.baseUrl}${path}` : 'unmatched';
}

/** RED metrics per route template: request count and errors by status, and a duration histogram. */
export function redMetrics(registry: Registry): RequestHandler {
  const duration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route template, method and status.',
    labelNames: ['route', 'method', 'status'],
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return (req: Request, res: Response, next) => {
    const end = duration.startTimer();
    res.once('finish', () => end({ route: routeLabel(req), method: req.method, status: String(res.statusCode) }));
    next();
  };
}

export function metricsRouter(registry: Registry): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  return router;
}
