import { setTimeout as sleep } from 'node:timers/promises';

export interface WaitForOptions {
  /** Deadline for the whole wait; 5 s by default. */
  timeoutMs?: number;
  /** Pause between two checks; 25 ms by default. */
  intervalMs?: number;
  /** What was awaited, for the timeout error. */
  message?: string;
}

/**
 * Polls `condition` until it holds. A check that throws counts as not yet, so a test can wait for a
 * server that is still starting; the last error becomes the timeout error's cause.
 * @throws when the condition still does not hold at the deadline.
 */
export async function waitFor(
  condition: () => Promise<boolean> | boolean,
  { timeoutMs = 5_000, intervalMs = 25, message = 'condition' }: WaitForOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      if (await condition()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}`, { cause: lastError });
    }
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())));
  }
}
