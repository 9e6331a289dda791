import type { Upstream, UpstreamResponse } from '@skico/http';
import type { ApiRequest } from './api-request.ts';
import type { StoredResponse } from './types.ts';

// Request headers a service may act on; anything else stays at the gateway.
const forwardedRequestHeaders = ['content-type', 'accept', 'idempotency-key', 'if-none-match'];
// Response headers a client may see; hop-by-hop and internal headers are dropped.
const forwardedResponseHeaders = ['content-type', 'etag', 'cache-control', 'retry-after', 'location'];

function pick(source: Record<string, string | string[] | undefined>, names: string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = source[name];
    if (typeof value === 'string') picked[name] = value;
  }
  return picked;
}

/**
 * Forwards a request to its upstream over the upstream's keep-alive pool; the answer is fully read. The
 * remaining budget travels as Request-Timeout so that the service sizes its own timeouts from it.
 */
export async function forward(
  upstream: Upstream,
  req: ApiRequest,
  deadline: number,
  signal?: AbortSignal,
): Promise<StoredResponse> {
  const headers = pick(req.headers, forwardedRequestHeaders);
  const timeoutMs = Math.max(1, deadline - Date.now());
  headers['x-request-id'] = String(req.id);
  headers['request-timeout'] = String(timeoutMs);
  const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
  const answer: UpstreamResponse = await upstream.request({
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers,
    body,
    timeoutMs,
    signal,
  });
  return { status: answer.status, headers: pick(answer.headers, forwardedResponseHeaders), body: answer.body };
}
