// SQLSTATE classes and codes that say the server or the connection is the problem, not the statement:
// a retry may succeed once Postgres is back or less busy.
const transientClasses = ['08', '53', '57'];
const transientCodes = ['40001', '40P01', '55P03'];

/** Whether a pg error says "Postgres unavailable or busy" (retry later) rather than "this statement is wrong". */
export function isTransientPgError(error: unknown): boolean {
  const code = sqlState(error);
  if (code === undefined) {
    // No SQLSTATE: the connection failed, timed out or was cut (ECONNREFUSED, "Connection terminated", …).
    return error instanceof Error;
  }
  return transientClasses.includes(code.slice(0, 2)) || transientCodes.includes(code);
}

/** Errors about the statement or its data: Postgres is healthy and answered. */
export function isPgStatementError(error: unknown): boolean {
  return sqlState(error) !== undefined && !isTransientPgError(error);
}

/** The SQLSTATE of an error the server sent (those carry a severity); undefined for socket errors like EPIPE. */
function sqlState(error: unknown): string | undefined {
  const e = error as { code?: unknown; severity?: unknown } | undefined;
  return typeof e?.code === 'string' && typeof e.severity === 'string' ? e.code : undefined;
}
