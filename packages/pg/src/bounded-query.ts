import { DependencyUnavailable } from '@skico/errors';
import type pg from 'pg';
import { cancelStatement } from './cancel-statement.ts';
import type { Pool } from './pool.ts';

export interface StatementBounds {
  /** Aborts when the caller gives up (the breaker's timer): the statement is then cancelled at the server. */
  signal?: AbortSignal;
  /**
   * What is left of the caller's budget. The server then ends the statement itself a little before
   * (statement_timeout, set for one transaction), so the call ends before any timer gives up on it.
   */
  timeoutMs?: number;
}

const brand = Symbol.for('skico.StatementBudgetSpent');

/** The server ended a statement because the caller's budget ran out: the caller's limit, not a failing Postgres. */
export class StatementBudgetSpent extends DependencyUnavailable {
  readonly [brand] = true;
  constructor(options: { cause?: unknown } = {}) {
    super('postgres', 'timeout', options);
  }
}

export function isStatementBudgetSpent(e: unknown): e is StatementBudgetSpent {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

/** How long before the caller's deadline the server ends the statement: time for the answer to travel back. */
const margin = (ms: number) => Math.max(100, Math.round(ms * 0.25));
/** How long an abandoned statement may take to end after its cancel, before its connection is closed instead. */
const CANCEL_GRACE_MS = 1_000;
const QUERY_CANCELED = '57014';

/**
 * Runs one statement so that it ends when its caller gives up on it, and keeps its connection until then:
 * a bulkhead slot that a timeout frees is then not a connection still busy in Postgres. When `signal`
 * aborts, the statement is cancelled at the server and the connection is closed, not reused, so a late
 * cancel cannot hit another caller's statement. With `timeoutMs` the statement runs in a transaction of
 * its own with statement_timeout set from that budget.
 * @throws StatementBudgetSpent when the budget ran out at the server.
 */
export async function boundedQuery<R extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: Pool,
  query: { text: string; values?: unknown[]; name?: string },
  bounds: StatementBounds = {},
): Promise<pg.QueryResult<R>> {
  const started = performance.now();
  const { signal } = bounds;
  signal?.throwIfAborted();
  const client = await pool.connect();
  let abandoned = false;
  let grace: NodeJS.Timeout | undefined;
  const onAbort = () => {
    abandoned = true;
    void cancelStatement(client);
    // A server that does not answer the cancel either: the connection is closed, which ends the wait.
    grace = setTimeout(() => void client.end().catch(() => undefined), CANCEL_GRACE_MS);
  };
  try {
    signal?.throwIfAborted();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (bounds.timeoutMs === undefined) {
      // A named statement is parsed and planned once per connection; pg takes it as a config object.
      return await client.query<R>(query);
    }
    const left = bounds.timeoutMs - (performance.now() - started) - margin(bounds.timeoutMs);
    if (left < 1) throw new StatementBudgetSpent();
    await client.query(`BEGIN; SET LOCAL statement_timeout = ${Math.floor(left)}`);
    const result = await client.query<R>(query);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (bounds.timeoutMs !== undefined && !abandoned) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((err as { code?: unknown }).code === QUERY_CANCELED) throw new StatementBudgetSpent({ cause: err });
    }
    throw err;
  } finally {
    clearTimeout(grace);
    signal?.removeEventListener('abort', onAbort);
    // Reached only once the statement has ended; a connection that was sent a cancel is not reused.
    client.release(abandoned);
  }
}
