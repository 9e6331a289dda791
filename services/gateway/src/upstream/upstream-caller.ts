import { AppError, DependencyUnavailable, isDependencyUnavailable } from '@skico/errors';
import type { Replica, Replicas } from '@skico/http';
import { type Breaker, type Bulkhead, nextDelay, type RetryBudget, type RetryPolicy } from '@skico/resilience';
import type { ApiRequest } from './api-request.ts';
import { forward } from './forward.ts';
import type { AnswerDue, StoredResponse, TrafficClass, UpstreamName } from './types.ts';

/**
 * An answer that says the upstream itself is failing (not that the request was wrong, nor a 503 shed). A
 * 504 is of kind `timeout`: the upstream ran out of the budget it was forwarded, which the breaker counts
 * only when that budget was the gateway's own, not one the client shortened.
 */
class UpstreamFailed extends AppError {
  constructor(readonly response: StoredResponse) {
    super(response.status === 504 ? 'timeout' : 'internal', 'UPSTREAM_FAILED', `upstream answered ${response.status}`);
  }
}

const failing = (status: number) => status === 500 || status === 502 || status === 504;

export interface UpstreamCallDeps {
  /** Each upstream's replicas, each with its own pool and breaker. */
  upstreams: Record<UpstreamName, Replicas<Breaker>>;
  bulkheads: Record<`${UpstreamName}:${TrafficClass}`, Bulkhead>;
  retry: RetryPolicy;
  budget: RetryBudget;
  /** Counts each first attempt, each retry made, and each retry the budget refused (for /metrics). */
  count?: (upstream: UpstreamName, kind: 'first' | 'retry' | 'refused') => void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The upstream calls of a request end this long before its deadline: the deadline is when the client
 * must have its answer, and writing a 503 on a busy machine takes a moment too.
 */
const ANSWER_MARGIN_MS = 50;

/**
 * Calls an upstream for one request: bulkhead of its class, then a replica's breaker (round robin past
 * open circuits), within the request's deadline. A deadline too close to start the call, or one that the client shortened and that
 * runs out, answers 504 (DeadlineExceeded) without counting against the upstream. Retries (safe or keyed
 * requests only) go outside the breaker, with decorrelated jitter or the upstream's Retry-After, and only
 * while the retry budget and the deadline allow, each to another replica than the last when one can serve.
 */
export function createUpstreamCaller(deps: UpstreamCallDeps) {
  const attempt = async (
    name: UpstreamName,
    trafficClass: TrafficClass,
    req: ApiRequest,
    due: AnswerDue,
    replica: Replica<Breaker>,
  ) => {
    const deadline = due.by - ANSWER_MARGIN_MS;
    try {
      return await deps.bulkheads[`${name}:${trafficClass}`].run(() => {
        const now = Date.now();
        // The gateway's own budget is the call's timeout; the client's, when shorter, its budget.
        return replica.breaker.run(
          async (signal) => {
            const response = await forward(replica.upstream, req, deadline, signal);
            if (failing(response.status)) throw new UpstreamFailed(response);
            return response;
          },
          { timeoutMs: due.ownBy - ANSWER_MARGIN_MS - now, budgetMs: deadline - now },
        );
      });
    } catch (err) {
      if (err instanceof UpstreamFailed) return err.response;
      if (isDependencyUnavailable(err) && err.cause instanceof UpstreamFailed) return err.cause.response;
      throw err;
    }
  };

  return async (name: UpstreamName, req: ApiRequest, due: AnswerDue, retryable: boolean): Promise<StoredResponse> => {
    const deadline = due.by - ANSWER_MARGIN_MS;
    const trafficClass: TrafficClass = req.method === 'GET' ? 'read' : 'write';
    deps.budget.recordRequest();
    deps.count?.(name, 'first');
    let delay = 0;
    let replica: Replica<Breaker> | undefined;
    for (let n = 1; ; n++) {
      replica = deps.upstreams[name].pick(replica);
      let outcome: StoredResponse | DependencyUnavailable;
      try {
        outcome = await attempt(name, trafficClass, req, due, replica);
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
      const allowed = retryable && worthRetrying && n < deps.retry.maxAttempts && Date.now() + delay < deadline - 10;
      const canRetry = allowed && deps.budget.tryRetry();
      if (allowed) deps.count?.(name, canRetry ? 'retry' : 'refused');
      if (!canRetry) {
        if (answer) return answer;
        throw outcome;
      }
      await sleep(delay);
    }
  };
}

export type UpstreamCaller = ReturnType<typeof createUpstreamCaller>;
