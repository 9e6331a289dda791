import { authorize, type TokenSettings, verifyBearer } from '@skico/auth';
import {
  idempotencyKeyHeader,
  matchOperation,
  type Operation,
  type OperationMatch,
  type OwningService,
  requestTimeoutHeader,
} from '@skico/contracts';
import { AppError } from '@skico/errors';
import { parseRequest } from '@skico/http';
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { fingerprint, type Idempotency } from '../middleware/idempotency.ts';
import type { Statistics } from '../middleware/statistics.ts';
import type { UpstreamCaller } from './upstream-call.ts';

export type UpstreamName = Exclude<OwningService, 'gateway'>;

export interface ApiRouteDeps {
  operations: readonly Operation[];
  callUpstream: UpstreamCaller;
  idempotency: Idempotency;
  statistics: Statistics;
  tokens: TokenSettings;
  timeoutMs: number;
}

const controlHeaders = z.object({
  'idempotency-key': idempotencyKeyHeader.optional(),
  'request-timeout': requestTimeoutHeader.optional(),
});

/** `/resorts/{resortID}` → `/resorts/:resortID`, the express form. */
export function expressPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

/** Records the latency of every request of a route under its template, for /statistics. */
export function timed(statistics: Statistics, template: string) {
  return (req: Request, res: Response, next: () => void) => {
    recordLatency(statistics, template, req, res);
    next();
  };
}

function recordLatency(statistics: Statistics, template: string, req: Request, res: Response) {
  const started = performance.now();
  res.once('finish', () => statistics.record(template, req.method, performance.now() - started));
}

declare global {
  namespace Express {
    interface Request {
      /** The contract operation this request is for, once matched (null: none). */
      operation?: OperationMatch | null;
    }
  }
}

/** The contract operation of a request (HEAD is served as GET), matched once and kept on the request. */
export function operationOf(req: Request): OperationMatch | undefined {
  if (req.operation === undefined) {
    req.operation = matchOperation(req.method === 'HEAD' ? 'GET' : req.method, req.path) ?? null;
  }
  return req.operation ?? undefined;
}

/** The operations the gateway forwards to a service; the rest (its own) are express routes of the gateway. */
export const forwardedOperations = (operations: readonly Operation[]) =>
  operations.filter((operation) => operation.service !== 'gateway');

/**
 * Every operation of the contract that a service owns, dispatched from the contract's own matcher (one
 * lookup instead of express trying each of thirty route patterns in turn): latency recording, the
 * route's access rule, Idempotency-Key on POSTs, then the upstream call.
 */
export function apiRouter(deps: ApiRouteDeps): RequestHandler {
  const handlers = new Map<Operation, (req: Request, res: Response) => Promise<void>>();
  for (const operation of forwardedOperations(deps.operations)) {
    const upstream = operation.service as UpstreamName;
    handlers.set(operation, async (req, res) => {
      if (operation.auth !== 'none') {
        const identity = await verifyBearer(req.get('authorization'), deps.tokens);
        authorize(identity, operation.auth, req.params.skierID as string | undefined);
      }
      const headers = parseRequest(
        controlHeaders,
        { 'idempotency-key': req.get('idempotency-key'), 'request-timeout': req.get('request-timeout') },
        'header',
      );
      // The request's budget: the gateway's default, or less when the client asks for less.
      const deadline = Date.now() + Math.min(deps.timeoutMs, headers['request-timeout'] ?? deps.timeoutMs);
      const key = headers['idempotency-key'];
      // Only safe requests, or POSTs the client made safe with an Idempotency-Key, may be retried.
      const call = () => deps.callUpstream(upstream, req, deadline, operation.method === 'GET' || key !== undefined);
      const { response, replayed } =
        operation.method === 'POST' && key !== undefined
          ? await deps.idempotency.run(key, fingerprint(req.method, req.originalUrl, req.body), call, req.id)
          : { response: await call(), replayed: false };
      res.status(response.status).set(response.headers);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.end(response.body);
    });
  }
  const templates = new Map([...handlers.keys()].map((op) => [op, expressPath(op.path)]));

  return (req, res, next) => {
    const match = operationOf(req);
    const handler = match && handlers.get(match.operation);
    if (!match || !handler) {
      next();
      return;
    }
    // As express's router does for its parameters: a path that is not valid percent-encoded UTF-8.
    try {
      decodeURIComponent(req.path);
    } catch {
      throw new AppError('invalid', 'MALFORMED_URL', 'The URL is not valid percent-encoded UTF-8.');
    }
    req.params = match.params;
    req.routeTemplate = templates.get(match.operation);
    recordLatency(deps.statistics, match.operation.path, req, res);
    return handler(req, res);
  };
}
