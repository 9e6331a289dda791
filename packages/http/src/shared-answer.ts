/**
 * A producer whose answer is shared for `ttlMs`: every caller within that time gets the same promise, so
 * that many callers cost one call a period. A failed answer is shared too, for the same time.
 */
export function sharedFor<T>(ttlMs: number, produce: () => Promise<T>, now: () => number = () => performance.now()) {
  let shared: { at: number; answer: Promise<T> } | undefined;
  return (): Promise<T> => {
    const at = now();
    if (!shared || at - shared.at >= ttlMs) shared = { at, answer: produce() };
    return shared.answer;
  };
}
