export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Decorrelated jitter (AWS architecture blog): the next delay is random in [base, 3 × previous], capped. */
export function nextDelay(policy: RetryPolicy, previousMs: number, random = Math.random): number {
  const upper = Math.max(policy.baseDelayMs, previousMs * 3);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs + random() * (upper - policy.baseDelayMs));
}

export interface RetryBudget {
  /** Counts a first attempt. */
  recordRequest: () => void;
  /** Takes one retry from the budget; false when retries would pass their share of the traffic. */
  tryRetry: () => boolean;
}

/** The window is kept as this many buckets of counts: a request costs O(1), whatever the traffic. */
const BUCKETS = 10;

/**
 * Retries may be at most `ratio` of the requests of the last `windowMs` (plus a small floor so that a
 * quiet service can still retry): under overload, retries cannot multiply the load. The window slides by
 * tenths of `windowMs`.
 */
export function createRetryBudget(options: {
  ratio: number;
  minPerWindow: number;
  windowMs: number;
  now?: () => number;
}): RetryBudget {
  const now = options.now ?? Date.now;
  const bucketMs = Math.max(1, options.windowMs / BUCKETS);
  const requests = new Array<number>(BUCKETS).fill(0);
  const retries = new Array<number>(BUCKETS).fill(0);
  let requestSum = 0;
  let retrySum = 0;
  let current = Math.floor(now() / bucketMs);
  // Empties the buckets that left the window since the last call; at most BUCKETS of them.
  const advance = () => {
    const bucket = Math.floor(now() / bucketMs);
    for (let b = current + 1; b <= Math.min(bucket, current + BUCKETS); b++) {
      const i = b % BUCKETS;
      requestSum -= requests[i] as number;
      retrySum -= retries[i] as number;
      requests[i] = 0;
      retries[i] = 0;
    }
    current = Math.max(current, bucket);
    return current % BUCKETS;
  };
  return {
    recordRequest: () => {
      const i = advance();
      requests[i] = (requests[i] as number) + 1;
      requestSum += 1;
    },
    tryRetry: () => {
      const i = advance();
      if (retrySum >= options.minPerWindow + options.ratio * requestSum) return false;
      retries[i] = (retries[i] as number) + 1;
      retrySum += 1;
      return true;
    },
  };
}
