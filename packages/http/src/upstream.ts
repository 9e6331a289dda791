import { DependencyUnavailable, isDependencyUnavailable } from '@skico/errors';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_PEER_SERVICE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  activeTracer,
  inChildSpan,
  injectContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
} from '@skico/tracing';
import { Pool } from 'undici';

export interface UpstreamRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  /** The whole call, connect to last byte, must finish within this. */
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Upstream {
  name: string;
  request: (req: UpstreamRequest) => Promise<UpstreamResponse>;
  /** The answer parsed as JSON; non-2xx statuses are returned, not thrown. */
  json: <T>(req: UpstreamRequest) => Promise<{ status: number; body: T }>;
  close: () => Promise<void>;
}

export interface UpstreamOptions {
  name: string;
  baseUrl: string;
  /** Keep-alive sockets kept towards the upstream. */
  connections: number;
  connectTimeoutMs?: number;
}

/**
 * An HTTP client for one upstream over a keep-alive connection pool.
 * @throws DependencyUnavailable when the upstream cannot be reached or does not answer in time.
 */
export function createUpstream(options: UpstreamOptions): Upstream {
  const pool = new Pool(options.baseUrl, {
    connections: options.connections,
    pipelining: 1,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    keepAliveTimeout: 4_000,
    // Per-request timeouts below replace undici's 300 s defaults.
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });

  // The time limits are undici's own per-request timeouts, plus the caller's signal (a breaker's deadline):
  // no timer or AbortSignal is created per request on this hot path.
  const send = async (req: UpstreamRequest): Promise<UpstreamResponse> => {
    const timeoutMs = Math.max(1, req.timeoutMs);
    try {
      const res = await pool.request({
        method: req.method as 'GET',
        path: req.path,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      return { status: res.statusCode, headers: res.headers, body };
    } catch (cause) {
      const code = (cause as { code?: string }).code ?? '';
      const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || req.signal?.aborted;
      throw new DependencyUnavailable(options.name, timedOut ? 'timeout' : 'unreachable', { cause });
    }
  };

  // Decided once: with tracing off the call is `send` itself.
  const tracer = activeTracer();
  const request = tracer ? traced(tracer, options, send) : send;

  return {
    name: options.name,
    request,
    json: async <T>(req: UpstreamRequest) => {
      const res = await request({ ...req, headers: { accept: 'application/json', ...req.headers } });
      return { status: res.status, body: (res.body.length > 0 ? JSON.parse(res.body.toString('utf8')) : null) as T };
    },
    close: () => pool.close(),
  };
}

/**
 * A client span around each call made within a trace, named `METHOD upstream`, with `traceparent` (and
 * `tracestate`) added to the outgoing headers so that the upstream's server span becomes its child. It
 * fails on a 5xx answer or when the upstream cannot be reached in time.
 */
function traced(
  tracer: Tracer,
  options: UpstreamOptions,
  send: (req: UpstreamRequest) => Promise<UpstreamResponse>,
): (req: UpstreamRequest) => Promise<UpstreamResponse> {
  const base = new URL(options.baseUrl);
  const address = {
    [ATTR_PEER_SERVICE]: options.name,
    [ATTR_SERVER_ADDRESS]: base.hostname,
    [ATTR_SERVER_PORT]: Number(base.port || (base.protocol === 'https:' ? 443 : 80)),
  };
  const origin = base.origin;
  return (req) =>
    inChildSpan(
      tracer,
      `${req.method} ${options.name}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { ...address, [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_URL_FULL]: `${origin}${req.path}` },
        errorType: (err) => (isDependencyUnavailable(err) ? err.reason : undefined),
      },
      async (span, ctx) => {
        if (!span) return send(req);
        const res = await send({ ...req, headers: injectContext({ ...req.headers }, ctx) });
        span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.status);
        if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return res;
      },
    );
}
