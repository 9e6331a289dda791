import { authorize, type TokenSettings, verifyBearer } from '@skico/auth';
import { idempotencyKeyHeader, type Operation, type OwningService, requestTimeoutHeader } from '@skico/contracts';
import { parseRequest } from '@skico/http';
import { type Request, type Response, Router } from 'express';
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
    const started = performance.now();
    res.once('finish', () => statistics.record(template, req.method, performance.now() - started));
    next();
  };
}

/**
 * One express route per operation of the contract that a service owns: latency recording, the route's
 * access rule, Idempotency-Key on POSTs, then the upstream call.
 */
export function apiRouter(deps: ApiRouteDeps): Router {
  const router = Router();
  for (const operation of deps.operations) {
    if (operation.service === 'gateway') continue;
    const upstream = operation.service;
    const handler = async (req: Request, res: Response) => {
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
    };
    const method = operation.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete';
    router[method](expressPath(operation.path), timed(deps.statistics, operation.path), handler);
  }
  return router;
}
