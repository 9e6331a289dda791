import { once } from 'node:events';
import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { onClientError } from './client-error.ts';

export interface ServerTimeouts {
  /** Time allowed to receive the request headers; cuts slowloris clients. */
  headersTimeoutMs: number;
  /** Time allowed to receive the whole request. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open. */
  keepAliveTimeoutMs: number;
}

export const defaultServerTimeouts: ServerTimeouts = {
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  // Above the clients' idle timeout (undici: 4 s) so that the client, not the server, closes idle sockets.
  keepAliveTimeoutMs: 65_000,
};

/** Largest request head (request line with the URL, plus headers) accepted, in bytes; more is 431. */
const DEFAULT_MAX_HEADER_BYTES = 16 * 1024;

// Node checks the timeouts above only this often (every 30 s by default), which would let a slow client
// hold its connection far longer than headersTimeoutMs.
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting, lets in-flight requests finish within the grace period, then cuts what is left. */
  close: (graceMs: number) => Promise<void>;
}

/** Listens with explicit timeouts instead of node's defaults. */
export async function listen(
  app: RequestListener,
  options: { port: number; host?: string; timeouts?: Partial<ServerTimeouts>; maxHeaderBytes?: number },
): Promise<RunningServer> {
  const t = { ...defaultServerTimeouts, ...options.timeouts };
  // Answers in progress, so that closing can end their connections once they are sent.
  const answering = new Set<ServerResponse>();
  let closing = false;
  const server = createServer(
    {
      headersTimeout: t.headersTimeoutMs,
      requestTimeout: t.requestTimeoutMs,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      maxHeaderSize: options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
    },
    (req, res) => {
      answering.add(res);
      res.once('close', () => answering.delete(res));
      if (closing) res.setHeader('connection', 'close');
      app(req, res);
    },
  );
  server.keepAliveTimeout = t.keepAliveTimeoutMs;
  server.maxHeadersCount = 100;
  server.on('clientError', onClientError);
  server.listen(options.port, options.host ?? '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;

  const close = async (graceMs: number) => {
    if (!server.listening) return;
    closing = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // node's close() ends only the idle keep-alive connections: a busy one would keep taking requests
    // until the grace period cut them mid-answer. Every answer from now on closes its connection instead.
    for (const res of answering) {
      if (!res.headersSent) res.setHeader('connection', 'close');
      else res.once('finish', () => res.socket?.end());
    }
    server.closeIdleConnections();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    await closed;
    clearTimeout(timer);
  };
  return { server, port, close };
}
