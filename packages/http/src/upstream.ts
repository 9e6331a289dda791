import { DependencyUnavailable } from '@skico/errors';
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
  const request = async (req: UpstreamRequest): Promise<UpstreamResponse> => {
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
