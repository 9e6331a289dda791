import { AppError } from '@skico/errors';
import type { Logger } from '@skico/log';
import { activeTracer } from '@skico/tracing';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import { type HealthChecks, healthRouter } from './health.ts';
import type { LoadShedder } from './load-shedding.ts';
import { metricsRouter, redMetrics } from './metrics.ts';
import { failureLogLevel, normalizeError, toProblem } from './problem.ts';
import { requestLogging } from './request-logging.ts';
import { requestTracing } from './request-tracing.ts';

export interface HttpAppOptions {
  log: Logger;
  /** Checks behind /health/ready: each resolves when its dependency can serve. */
  readiness?: HealthChecks;
  /** Whether the process is shutting down; readiness then fails so that traffic drains away. */
  isDraining?: () => boolean;
  /** Largest body accepted, in bytes. */
  bodyLimitBytes?: number;
  /** Keep bodies as raw bytes instead of parsing JSON (the gateway forwards them untouched). */
  rawBody?: boolean;
  /** Refuses work at once when the process is overloaded. */
  shedder?: LoadShedder;
  /** Where RED metrics go; served at /metrics. */
  metrics?: Registry;
  /**
   * Mounts what must see every request, before health, /metrics, load shedding and the body parser:
   * security headers, CORS, limits on the request's shape. Errors it throws get problem+json as usual.
   */
  before?: (app: Express) => void;
  /** Mounts the service's routers; called after the common middleware and before the error handlers. */
  mount: (app: Express) => void;
}

/**
 * The express app every Skico process serves: request id, logging, a server span per request when tracing
 * is on, health, JSON, problem+json errors.
 */
export function createHttpApp(options: HttpAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');

  app.use(requestLogging(options.log));
  const tracer = activeTracer();
  if (tracer) app.use(requestTracing(tracer));
  if (options.metrics) app.use(redMetrics(options.metrics));
  options.before?.(app);
  if (options.metrics) app.use(metricsRouter(options.metrics));
  app.use(healthRouter(options.readiness ?? {}, options.isDraining ?? (() => false)));
  if (options.shedder) app.use(options.shedder.middleware);
  const limit = options.bodyLimitBytes ?? 16 * 1024;
  app.use(options.rawBody ? express.raw({ type: () => true, limit }) : express.json({ limit, strict: false }));

  options.mount(app);

  app.use((req: Request) => {
    throw new AppError('not-found', 'ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`);
  });
  app.use(errorHandler(options.log));
  return app;
}

/** Writes every error as problem+json; logs 5xx with their cause, which never reaches the client. */
export function errorHandler(log: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = normalizeError(err);
    const problem = toProblem(error, String(req.id ?? ''));
    const level = failureLogLevel(error);
    if (level === 'error') (req.log ?? log).error({ err, code: error.code }, 'request failed');
    if (level === 'warn') {
      const { dependency, reason } = error as { dependency?: string; reason?: string };
      const cause = (error.cause as Error | undefined)?.message;
      (req.log ?? log).warn({ code: error.code, dependency, reason, cause }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    // RFC 9110 §11.6.1: a 401 names the scheme that would be accepted.
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="skico"');
    res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
  };
}
