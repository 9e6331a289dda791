import { setTimeout as sleep } from 'node:timers/promises';
import type { Attempt } from './http-client.ts';
import type { RequestDescriptor } from './workloads.ts';

export interface RetryPolicy {
  /** Retries after the first attempt; the course client makes up to 5. */
  maxRetries: number;
  /** Longest wait honoured from a Retry-After header. */
  retryAfterCapMs: number;
  /** First backoff when the answer says nothing; doubles per retry, with full jitter. */
  baseBackoffMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { maxRetries: 5, retryAfterCapMs: 2_000, baseBackoffMs: 10 };

/** Network errors, timeouts, 5xx and 429 are worth another try; other 4xx answers will not change. */
const retriable = (status: number) => status === 0 || status === 429 || status >= 500;

/** Milliseconds to wait from a Retry-After value (delta seconds or an HTTP date), capped; undefined if absent. */
export function retryAfterMs(value: string | undefined, capMs: number, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(capMs, Math.max(0, ms));
}

/** Sends with retries; resolves with the last attempt and how many retries it took. */
export async function sendWithRetry(
  send: (req: RequestDescriptor) => Promise<Attempt>,
  req: RequestDescriptor,
  policy: RetryPolicy,
  /** Told the status (0: no answer) of every attempt that is retried. */
  onRetry?: (status: number) => void,
): Promise<{ attempt: Attempt; retries: number }> {
  let attempt = await send(req);
  let retries = 0;
  while (retriable(attempt.status) && retries < policy.maxRetries) {
    onRetry?.(attempt.status);
    const backoff = Math.random() * policy.baseBackoffMs * 2 ** retries;
    await sleep(retryAfterMs(attempt.retryAfter, policy.retryAfterCapMs) ?? backoff);
    retries++;
    attempt = await send(req);
  }
  return { attempt, retries };
}
