import { DependencyUnavailable, isDependencyUnavailable } from '@skico/errors';
import type { Upstream } from '@skico/http';
import { type Breaker, type Bulkhead, nextDelay, type RetryBudget, type RetryPolicy } from '@skico/resilience';
import type { StoredResponse } from '../middleware/idempotency.ts';
import type { TrafficClass } from '../resilience.ts';
import type { ApiRequest, UpstreamName } from './api-routes.ts';
import { forward } from './proxy.ts';

/** An answer that says the upstream itself is failing (not that the request was wrong, nor a 503 shed). */
class UpstreamFailed extends Error {
  constructor(readonly response: StoredResponse) {
    super(`upstream answered ${response.status}`);
  }
}

const failing = (status: number) => status === 500 || status === 502 || status === 504;

export interface UpstreamCallDeps {
  upstreams: Record<UpstreamName, Upstream>;
  breakers: Record<UpstreamName, Breaker>;
  bulkheads: Record<`${UpstreamName}:${TrafficClass}`, Bulkhead>;
  retry: RetryPolicy;
  budget: RetryBudget;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The upstream calls of a request end this long before its deadline: the deadline is when the client
 * must have its answer, and writing a 503 on a busy machine takes a moment too.
 */
export const ANSWER_MARGIN_MS = 50;

/**
 * Calls an upstream for one request: bulkhead of its class, then the upstream's breaker, within the
 * request's deadline. Retries (safe or keyed requests only) go outside the breaker, with decorrelated
 * jitter or the upstream's Retry-After, and only while the retry budget and the deadline allow.
 */
export function createUpstreamCaller(deps: UpstreamCallDeps) {
  const attempt = async (name: UpstreamName, trafficClass: TrafficClass, req: ApiRequest, deadline: number) => {
    try {
      return await deps.bulkheads[`${name}:${trafficClass}`].run(() =>
        deps.breakers[name].run(
          async (signal) => {
            const response = await forward(deps.upstreams[name], req, deadline, signal);
            if (failing(response.status)) throw new UpstreamFailed(response);
            return response;
          },
          { timeoutMs: Math.max(1, deadline - Date.now()) },
        ),
      );
    } catch (err) {
      if (isDependencyUnavailable(err) && err.cause instanceof UpstreamFailed) return err.cause.response;
      throw err;
    }
  };

  return async (name: UpstreamName, req: ApiRequest, answerBy: number, retryable: boolean): Promise<StoredResponse> => {
    const deadline = answerBy - ANSWER_MARGIN_MS;
    const trafficClass: TrafficClass = req.method === 'GET' ? 'read' : 'write';
    deps.budget.recordRequest();
    let delay = 0;
    for (let n = 1; ; n++) {
      let outcome: StoredResponse | DependencyUnavailable;
      try {
        outcome = await attempt(name, trafficClass, req, deadline);
      } catch (err) {
        if (!isDependencyUnavailable(err)) throw err;
        outcome = err;
      }
      const answer = outcome instanceof DependencyUnavailable ? undefined : outcome;
      const retryAfter = answer?.status === 503 ? Number(answer.headers['retry-after']) * 1000 : Number.NaN;
      const worthRetrying = answer
        ? failing(answer.status) || Number.isFinite(retryAfter)
        : outcome instanceof DependencyUnavailable && (outcome.reason === 'unreachable' || outcome.reason === 'failed');
      delay = Number.isFinite(retryAfter) ? retryAfter : nextDelay(deps.retry, delay);
      const canRetry =
        retryable &&
        worthRetrying &&
        n < deps.retry.maxAttempts &&
        Date.now() + delay < deadline - 10 &&
        deps.budget.tryRetry();
      if (!canRetry) {
        if (answer) return answer;
        throw outcome;
      }
      await sleep(delay);
    }
  };
}

export type UpstreamCaller = ReturnType<typeof createUpstreamCaller>;
