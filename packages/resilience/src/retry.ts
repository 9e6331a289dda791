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

/**
 * Retries may be at most `ratio` of the requests of the last `windowMs` (plus a small floor so that a
 * quiet service can still retry): under overload, retries cannot multiply the load.
 */
export function createRetryBudget(options: {
  ratio: number;
  minPerWindow: number;
  windowMs: number;
  now?: () => number;
}): RetryBudget {
  const now = options.now ?? Date.now;
  const requests: number[] = [];
  const retries: number[] = [];
  const prune = (list: number[]) => {
    const oldest = now() - options.windowMs;
    while (list.length > 0 && (list[0] as number) < oldest) list.shift();
  };
  return {
    recordRequest: () => {
      prune(requests);
      requests.push(now());
    },
    tryRetry: () => {
      prune(requests);
      prune(retries);
      if (retries.length >= options.minPerWindow + options.ratio * requests.length) return false;
      retries.push(now());
      return true;
    },
  };
}
