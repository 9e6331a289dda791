import type { Logger } from '@skico/log';
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  url: string;
  /** Shown in pg_stat_activity. */
  applicationName: string;
  max?: number;
  /** Waiting for a free connection or a new one; pg waits forever by default. */
  connectTimeoutMs?: number;
  /** Server-side limit per statement. */
  statementTimeoutMs?: number;
  /** Client-side limit per query, for when the server itself does not answer. */
  queryTimeoutMs?: number;
  log: Logger;
}

/** How long the server keeps a session that sends nothing (twice the pool's idle timeout). */
export const IDLE_SESSION_MS = 60_000;

/** A pg pool with every wait bounded; idle-client errors are logged instead of crashing the process. */
export function createPool(options: PoolOptions): Pool {
  const pool = new pg.Pool({
    connectionString: options.url,
    application_name: options.applicationName,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 2_000,
    statement_timeout: options.statementTimeoutMs ?? 5_000,
    query_timeout: options.queryTimeoutMs ?? 6_000,
    idle_in_transaction_session_timeout: 10_000,
    idleTimeoutMillis: 30_000,
    // A connection the pool closes while the network drops every packet (a partition) never tells the server:
    // its backend would stay until the server's TCP keepalive gives up (about 2 h by default). The pool closes
    // an idle connection after 30 s, so the server may end any session idle for IDLE_SESSION_MS.
    options: `-c idle_session_timeout=${IDLE_SESSION_MS}`,
    keepAlive: true,
  });
  pool.on('error', (err) => options.log.warn({ err }, 'idle postgres connection failed'));
  return pool;
}

/** Runs `work` in one transaction: commit when it resolves, rollback when it throws. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Calls admitted towards Postgres per connection of the pool: a burst larger than the pool waits briefly
 * for a connection (bounded by the pool's connect timeout and the request's deadline) instead of being
 * refused; anything beyond is refused at once by the bulkhead. Ten per connection admits every read the
 * gateway lets through towards a service (READ_CONCURRENCY) with the default pool, so that a burst of cold
 * reads waits for a connection rather than being refused with a Retry-After that the gateway's retry waits out.
 */
export const CALLS_PER_CONNECTION = 10;
