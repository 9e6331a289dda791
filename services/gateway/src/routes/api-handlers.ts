import type { IncomingMessage } from 'node:http';
import { authorize, type TokenSettings, verifyBearer } from '@skico/auth';
import { idempotencyKeyHeader, type Operation, requestTimeoutHeader } from '@skico/contracts';
import { type DirectHandler, headerOf, parseRequest } from '@skico/http';
import { z } from 'zod';
import type { Idempotency } from '../idempotency/idempotency.ts';
import { fingerprint } from '../idempotency/request-key.ts';
import { recordLatency } from '../statistics/record-latency.ts';
import type { Statistics } from '../statistics/statistics.ts';
import type { ApiRequest } from '../upstream/api-request.ts';
import type { UpstreamName } from '../upstream/types.ts';
import type { UpstreamCaller } from '../upstream/upstream-caller.ts';

export interface ApiRouteDeps {
  operations: readonly Operation[];
  callUpstream: UpstreamCaller;
  idempotency: Idempotency;
  statistics: Statistics;
  tokens: TokenSettings;
  timeoutMs: number;
  /** Who sent a request (`clientOf` of the rate limiter): an Idempotency-Key is scoped to it. */
  clientOf: (req: IncomingMessage) => string;
}

const controlHeaders = z.object({
  'idempotency-key': idempotencyKeyHeader.optional(),
  'request-timeout': requestTimeoutHeader.optional(),
});

/** The operations the gateway forwards to a service; the rest (its own) are express routes of the gateway. */
export const forwardedOperations = (operations: readonly Operation[]) =>
  operations.filter((operation) => operation.service !== 'gateway');

/**
 * The handler of each operation of the contract that a service owns (served without express, from the
 * contract's matcher): latency recording, the route's access rule, Idempotency-Key on POSTs, then the
 * upstream call. The gateway's own operations have none: they are express routes.
 */
export function apiHandlers(deps: ApiRouteDeps): (operation: Operation) => DirectHandler | undefined {
  const forwarded = new Set(forwardedOperations(deps.operations));
  return (operation) => {
    if (!forwarded.has(operation)) return undefined;
    const upstream = operation.service as UpstreamName;
    return async (req: ApiRequest, res) => {
      recordLatency(deps.statistics, operation.path, req, res);
      if (operation.auth !== 'none') {
        const identity = await verifyBearer(headerOf(req, 'authorization'), deps.tokens);
        authorize(identity, operation.auth, req.params.skierID);
      }
      const headers = parseRequest(
        controlHeaders,
        { 'idempotency-key': headerOf(req, 'idempotency-key'), 'request-timeout': headerOf(req, 'request-timeout') },
        'header',
      );
      // The request's budget: the gateway's default, or less when the client asks for less.
      const now = Date.now();
      const due = {
        by: now + Math.min(deps.timeoutMs, headers['request-timeout'] ?? deps.timeoutMs),
        ownBy: now + deps.timeoutMs,
      };
      const key = headers['idempotency-key'];
      // Only safe requests, or POSTs the client made safe with an Idempotency-Key, may be retried.
      const call = () => deps.callUpstream(upstream, req, due, operation.method === 'GET' || key !== undefined);
      const { response, replayed } =
        operation.method === 'POST' && key !== undefined
          ? await deps.idempotency.run(
              {
                key,
                client: deps.clientOf(req),
                operationId: operation.operationId,
                fingerprint: fingerprint(req.method ?? 'POST', req.url ?? '/', req.body),
                requestId: req.id,
              },
              // The service stores its effect under the scoped key, so that is the key it is sent (`forward` passes it on).
              (scoped) => {
                req.headers['idempotency-key'] = scoped;
                return call();
              },
            )
          : { response: await call(), replayed: false };
      res.statusCode = response.status;
      for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
      if (replayed) res.setHeader('Idempotent-Replayed', 'true');
      res.end(response.body);
    };
  };
}
