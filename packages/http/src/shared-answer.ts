/**
 * A producer whose answer is shared for `ttlMs`: every caller within that time gets the same promise, so
 * that many callers cost one call a period. A failed answer is shared too, for the same time. `forget()`
 * drops the shared answer, so that the next caller gets a new one (after a change made by this process).
 */
export function sharedFor<T>(ttlMs: number, produce: () => Promise<T>, now: () => number = () => performance.now()) {
  let shared: { at: number; answer: Promise<T> } | undefined;
  const get = (): Promise<T> => {
    const at = now();
    if (!shared || at - shared.at >= ttlMs) shared = { at, answer: produce() };
    return shared.answer;
  };
  return Object.assign(get, {
    forget: () => {
      shared = undefined;
    },
  });
}
