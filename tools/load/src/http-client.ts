import { Pool } from 'undici';
import type { RequestDescriptor } from './workloads.ts';

/** The outcome of one attempt: a status, or 0 with the error when no answer came. */
export interface Attempt {
  status: number;
  retryAfter?: string;
  error?: Error;
}

export interface HttpClientOptions {
  /** Origin of the target, such as http://127.0.0.1:8080. */
  origin: string;
  /** Keep-alive connections: one per closed-model client, so no request waits for a socket of another. */
  connections: number;
  /** Per-attempt limit for the answer's headers and again for its body. */
  timeoutMs: number;
}

const jsonHeaders = { 'content-type': 'application/json' };

/** A keep-alive undici pool to one origin; `send` never throws, it reports the failure as status 0. */
export function createHttpClient({ origin, connections, timeoutMs }: HttpClientOptions) {
  const pool = new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
  return {
    async send(req: RequestDescriptor): Promise<Attempt> {
      try {
        const res = await pool.request({
          method: req.method,
          path: req.path,
          headers: req.body === undefined ? undefined : jsonHeaders,
          body: req.body,
        });
        // The body is read to the end so that the connection goes back to the pool, as a real client's would.
        await res.body.dump({ limit: 64 * 1024 * 1024 });
        const retryAfter = res.headers['retry-after'];
        return { status: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter };
      } catch (err) {
        return { status: 0, error: err as Error };
      }
    },
    close: () => pool.close(),
  };
}

export type HttpClient = ReturnType<typeof createHttpClient>;
