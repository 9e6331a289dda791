import type { IncomingMessage } from 'node:http';
import { Router } from 'express';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Stage } from './stages.ts';

// Re-exported so that a service defines its own metrics without a prom-client dependency of its own.
export { Counter, Gauge, Histogram, type Registry };

/** One registry per process, with Node's runtime metrics and the service name as a label. */
export function createMetricsRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** The route template a request matched (`/resorts/:resortID`), or `unmatched`: never the raw path. */
export function routeLabel(req: IncomingMessage): string {
  if (req.routeTemplate) return req.routeTemplate;
  // Set by express's router once a route matched.
  const routed = req as IncomingMessage & { route?: { path?: string }; baseUrl?: string };
  const path = routed.route?.path;
  return path ? `${routed.baseUrl ?? ''}${path}` : 'unmatched';
}

/** RED metrics per route template: request count and errors by status, and a duration histogram. */
export function redMetrics(registry: Registry): Stage {
  const name = 'http_server_request_duration_seconds';
  // One histogram per registry: a process with two listeners (the gateway's public and internal) records both.
  const duration =
    (registry.getSingleMetric(name) as Histogram<'route' | 'method' | 'status'> | undefined) ??
    new Histogram({
      name,
      help: 'Time to answer an HTTP request, by route template, method and status.',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
  return (req, res, next) => {
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

export interface InstrumentedBreaker {
  name: string;
  state: () => 'closed' | 'open' | 'half-open';
  inFlight: () => number;
  on: (event: 'open' | 'halfOpen' | 'close' | 'reject' | 'semaphoreLocked', listener: () => void) => void;
}

const stateValue = { closed: 0, 'half-open': 1, open: 2 } as const;

/**
 * Breaker metrics: state as a gauge (0 closed, 1 half-open, 2 open), transitions and rejections as
 * counters, calls in flight (the bulkhead's use) as a gauge.
 */
export function instrumentBreakers(registry: Registry, breakers: InstrumentedBreaker[]): void {
  new Gauge({
    name: 'skico_breaker_state',
    help: 'Circuit state per dependency: 0 closed, 1 half-open, 2 open.',
    labelNames: ['dependency'],
    registers: [registry],
    collect() {
      for (const b of breakers) this.set({ dependency: b.name }, stateValue[b.state()]);
    },
  });
  new Gauge({
    name: 'skico_bulkhead_in_flight',
    help: 'Calls in flight per dependency (the bulkhead in use).',
    labelNames: ['dependency'],
    registers: [registry],
    collect() {
      for (const b of breakers) this.set({ dependency: b.name }, b.inFlight());
    },
  });
  const transitions = new Counter({
    name: 'skico_breaker_transitions_total',
    help: 'Circuit state changes per dependency and new state.',
    labelNames: ['dependency', 'to'],
    registers: [registry],
  });
  const rejections = new Counter({
    name: 'skico_breaker_rejections_total',
    help: 'Calls refused at once per dependency: circuit open, or bulkhead full.',
    labelNames: ['dependency', 'reason'],
    registers: [registry],
  });
  for (const b of breakers) {
    b.on('open', () => transitions.inc({ dependency: b.name, to: 'open' }));
    b.on('halfOpen', () => transitions.inc({ dependency: b.name, to: 'half-open' }));
    b.on('close', () => transitions.inc({ dependency: b.name, to: 'closed' }));
    b.on('reject', () => rejections.inc({ dependency: b.name, reason: 'open' }));
    b.on('semaphoreLocked', () => rejections.inc({ dependency: b.name, reason: 'full' }));
  }
}
