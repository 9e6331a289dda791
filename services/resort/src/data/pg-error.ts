/** SQLSTATE codes this service turns into answers. */
export const pgErrorCodes = {
  foreignKeyViolation: '23503',
  uniqueViolation: '23505',
} as const;

/** True when a query failed with this SQLSTATE (pg's DatabaseError carries it as `code`). */
export function isPgError(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}
