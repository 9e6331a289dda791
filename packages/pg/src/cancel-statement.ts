import { connect } from 'node:net';
import type { PoolClient } from './pool.ts';

/** A CancelRequest message: length 16, the cancel code 80877102, then the backend's process id and key. */
function cancelRequest(processID: number, secretKey: number): Buffer {
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(80877102, 4);
  message.writeInt32BE(processID, 8);
  message.writeInt32BE(secretKey, 12);
  return message;
}

/**
 * Asks Postgres to cancel the statement `client` is running, on a connection of its own as the protocol
 * wants; resolves once the server closed that connection (it has signalled the backend) or after
 * `timeoutMs`. Never rejects: a cancel that cannot be delivered leaves the statement to statement_timeout.
 * Written by hand: pg 8's only cancel (`Client#cancel`, undocumented) wants a client of its own, unconnected,
 * and the query object, where this needs the pooled client's process id and key alone.
 */
export function cancelStatement(client: PoolClient, timeoutMs = 1_000): Promise<void> {
  const target = client as unknown as { host?: string; port?: number; processID?: number; secretKey?: number };
  if (typeof target.processID !== 'number' || typeof target.secretKey !== 'number') return Promise.resolve();
  const message = cancelRequest(target.processID, target.secretKey);
  return new Promise((resolve) => {
    const socket =
      target.host?.startsWith('/') === true
        ? connect(`${target.host}/.s.PGSQL.${target.port ?? 5432}`)
        : connect(target.port ?? 5432, target.host ?? '127.0.0.1');
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
    socket.on('connect', () => socket.end(message));
  });
}
