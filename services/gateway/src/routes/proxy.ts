import type { Upstream } from '@skico/http';
import { type Request, type Response, Router } from 'express';
import { expressPath, type GatewayRoute, type UpstreamName } from './route-table.ts';

// Request headers a service may act on; anything else stays at the gateway.
const forwardedRequestHeaders = [
  'content-type',
  'accept',
  'authorization',
  'idempotency-key',
  'if-none-match',
  'x-request-id',
];
// Response headers a client may see; hop-by-hop and internal headers are dropped.
const forwardedResponseHeaders = [
  'content-type',
  'etag',
  'cache-control',
  'retry-after',
  'location',
  'idempotent-replayed',
];

function pickHeaders(source: Record<string, string | string[] | undefined>, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

/** Routes every entry of the table to its upstream over that upstream's keep-alive pool. */
export function proxyRouter(deps: {
  routes: GatewayRoute[];
  upstreams: Record<UpstreamName, Upstream>;
  timeoutMs: number;
}): Router {
  const router = Router();
  for (const route of deps.routes) {
    const upstream = deps.upstreams[route.upstream];
    const handler = async (req: Request, res: Response) => {
      const headers = pickHeaders(req.headers, forwardedRequestHeaders);
      headers['x-request-id'] = String(req.id);
      const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
      const answer = await upstream.request({
        method: req.method,
        path: req.originalUrl,
        headers,
        body,
        timeoutMs: deps.timeoutMs,
      });
      res.status(answer.status);
      for (const [name, value] of Object.entries(pickHeaders(answer.headers, forwardedResponseHeaders))) {
        res.setHeader(name, value);
      }
      res.end(answer.body);
    };
    router[route.method.toLowerCase() as 'get'](expressPath(route.template), handler);
  }
  return router;
}
