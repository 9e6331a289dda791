/**
 * Writes `items` with one call of `write` (which resolves to the error of a failed write, or undefined),
 * and when it fails, writes each half again, recursively, until the items at fault stand alone: one bad
 * item among n costs about 2·log2(n) more writes instead of n, and every other item is written. Each
 * write is its own transaction, so a half that went through stays written whatever its sibling does.
 * Returns the items that failed alone, with their errors. Errors thrown by `write` (a dependency that is
 * down) end the whole attempt.
 */
export async function isolateFailures<T>(
  items: T[],
  write: (items: T[]) => Promise<unknown>,
): Promise<{ item: T; error: unknown }[]> {
  if (items.length === 0) return [];
  const error = await write(items);
  if (error === undefined) return [];
  if (items.length === 1) return [{ item: items[0] as T, error }];
  const middle = Math.ceil(items.length / 2);
  const first = await isolateFailures(items.slice(0, middle), write);
  const second = await isolateFailures(items.slice(middle), write);
  return [...first, ...second];
}
