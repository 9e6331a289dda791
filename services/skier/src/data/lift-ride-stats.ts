import { pathBuilder, type SkierStats, skierStats } from '@skico/contracts';
import { DependencyUnavailable } from '@skico/errors';
import type { Replicas, Upstream } from '@skico/http';
import { type Breaker, isDeadline } from '@skico/resilience';

export interface StatsRequest {
  skierID: number;
  season?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
  requestId?: string;
}

export type FetchStats = (request: StatsRequest) => Promise<SkierStats>;

/**
 * Reads a skier's ride stats from the lift-ride service's internal operation `getSkierSeasonStats`, from one
 * of its replicas (round robin past an open circuit) through that replica's breaker: once every replica is
 * known to be failing, profiles degrade at once instead of after the stats budget.
 * @throws DependencyUnavailable when it cannot be reached in time, fails, or answers something unexpected.
 */
export function createLiftRideStats(liftRide: Replicas<Breaker>): FetchStats {
  return async ({ timeoutMs, ...request }) => {
    const { upstream, breaker } = liftRide.pick();
    try {
      // The breaker's timeout is the stats budget (STATS_TIMEOUT_MS); `timeoutMs` is shorter only when the
      // caller's deadline is, and a call that runs out of that does not count against the lift-ride service.
      return await breaker.run(
        (signal) =>
          fetchStats(upstream, {
            ...request,
            timeoutMs,
            signal: request.signal ? AbortSignal.any([request.signal, signal]) : signal,
          }),
        { budgetMs: timeoutMs },
      );
    } catch (error) {
      // The profile degrades either way; its log says why.
      if (isDeadline(error)) throw new DependencyUnavailable(liftRide.name, 'timeout', { cause: error });
      throw error;
    }
  };
}

const statsPath = pathBuilder('getSkierSeasonStats');

async function fetchStats(upstream: Upstream, { skierID, season, timeoutMs, signal, requestId }: StatsRequest) {
  const query = season === undefined ? '' : `?season=${encodeURIComponent(season)}`;
  const res = await upstream.json<unknown>({
    method: 'GET',
    path: `${statsPath({ skierID })}${query}`,
    headers: requestId ? { 'x-request-id': requestId } : {},
    timeoutMs,
    signal,
  });
  const parsed = res.status === 200 ? skierStats.safeParse(res.body) : undefined;
  if (!parsed?.success) {
    throw new DependencyUnavailable(upstream.name, 'failed', {
      cause: new Error(`stats answer ${res.status}${parsed ? ` not a skierStats: ${parsed.error.message}` : ''}`),
    });
  }
  return parsed.data;
}
