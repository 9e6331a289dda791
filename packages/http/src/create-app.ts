import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { AppError } from '@skico/errors';
import type { Logger } from '@skico/log';
import { activeTracer } from '@skico/tracing';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Registry } from 'prom-client';
import type { DirectRoutes } from './direct.ts';
import { type HealthChecks, healthRouter } from './health.ts';
import type { LoadShedder } from './load-shedding.ts';
import { metricsRouter, redMetrics } from './metrics.ts';
import { failureLogLevel, normalizeError, toProblem } from './problem.ts';
import { requestLog, requestLogging } from './request-logging.ts';
import { requestTracing } from './request-tracing.ts';
import { pathOf, readBody, runStages, type Stage } from './stages.ts';

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
  /** Where RED metrics go; served at /metrics unless `serveMetrics` is false. */
  metrics?: Registry;
  /** Serve /metrics here; false on a public listener when another, internal one serves them. */
  serveMetrics?: boolean;
  /**
   * What must see every request, before health, /metrics, load shedding and the body: security headers,
   * CORS, limits on the request's shape. Errors they throw get problem+json as usual.
   */
  front?: Stage[];
  /**
   * The service's contract operations, served on the hot path without express: `serveOperations` over the
   * contract's matcher and the service's handler table (the gateway passes its forwarding routes). They run
   * after the common stages and after the body is read as bytes; a request they do not serve goes to express.
   */
  operations?: DirectRoutes;
  /**
   * The service's other routes (health details, docs, status, admin pages), on express; mounted after the
   * common middleware and before the 404 and error handlers. With `operations`, every route of a service is
   * declared in this one call.
   */
  routes?: (app: Express) => void;
}

/** A process's request handler, with the express app behind it (for tests that list its routes). */
export type HttpApp = RequestListener & { express: Express };

/**
 * The request handler every Skico process serves. Common stages run on node's own request and response
 * for every request: request id, a server span when tracing is on, RED metrics, the `front` stages and
 * load shedding. Then a contract operation is served without a router (the hot path: express costs more
 * CPU per request than a whole forwarding hop), and anything else goes to express: health, /metrics, the
 * service's `routes`, 404. Every error is answered as problem+json.
 */
export function createHttpApp(options: HttpAppOptions): HttpApp {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'extended');
  if (options.metrics && options.serveMetrics !== false) app.use(metricsRouter(options.metrics));
  app.use(healthRouter(options.readiness ?? {}, options.isDraining ?? (() => false)));
  const limit = options.bodyLimitBytes ?? 16 * 1024;
  app.use(options.rawBody ? readBody(limit) : express.json({ limit, strict: false }));
  options.routes?.(app);
  app.use((req: Request) => {
    throw new AppError('not-found', 'ROUTE_NOT_FOUND', `No route for ${req.method} ${req.path}.`);
  });
  const writeError = problemWriter(options.log);
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => writeError(err, req, res));

  const tracer = activeTracer();
  const common: Stage[] = [
    requestLogging(options.log),
    ...(tracer ? [requestTracing(tracer)] : []),
    ...(options.metrics ? [redMetrics(options.metrics)] : []),
    ...(options.front ?? []),
    ...(options.shedder ? [options.shedder.middleware] : []),
  ];
  const body = readBody(limit);

  const listener: RequestListener = (req, res) => {
    const onError = (err: unknown) => writeError(err, req, res);
    runStages(common, req, res, onError, () => {
      const stages = options.operations?.(req);
      if (!stages) {
        app(req, res);
        return;
      }
      runStages([body, ...stages], req, res, onError, () => onError(notFound(req)));
    });
  };
  return Object.assign(listener, { express: app });
}

const notFound = (req: IncomingMessage) =>
  new AppError('not-found', 'ROUTE_NOT_FOUND', `No route for ${req.method} ${pathOf(req)}.`);

/** Writes every error as problem+json; logs 5xx with their cause, which never reaches the client. */
export function problemWriter(log: Logger) {
  return (err: unknown, req: IncomingMessage, res: ServerResponse) => {
    const error = normalizeError(err);
    const problem = toProblem(error, String(req.id ?? ''));
    const level = failureLogLevel(error);
    const logger = requestLog(req) ?? log;
    if (level === 'error') logger.error({ err, code: error.code }, 'request failed');
    if (level === 'warn') {
      const { dependency, reason } = error as { dependency?: string; reason?: string };
      const cause = (error.cause as Error | undefined)?.message;
      logger.warn({ code: error.code, dependency, reason, cause }, 'request failed');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (error.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(error.retryAfterSeconds));
    // RFC 9110 §11.6.1: a 401 names the scheme that would be accepted.
    if (problem.status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="skico"');
    const json = JSON.stringify(problem);
    res.statusCode = problem.status;
    res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
    res.setHeader('Content-Length', Buffer.byteLength(json));
    res.end(json);
  };
}
