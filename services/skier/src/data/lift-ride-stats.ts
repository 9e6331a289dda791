import { type SkierStats, skierStats } from '@skico/contracts';
import { DependencyUnavailable } from '@skico/errors';
import type { Upstream } from '@skico/http';

export interface StatsRequest {
  skierID: number;
  season?: string | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
  requestId?: string;
}

export type FetchStats = (request: StatsRequest) => Promise<SkierStats>;

/**
 * Reads a skier's ride stats from the lift-ride service's internal route.
 * @throws DependencyUnavailable when it cannot be reached in time, fails, or answers something unexpected.
 */
export function createLiftRideStats(upstream: Upstream): FetchStats {
  return async ({ skierID, season, timeoutMs, signal, requestId }) => {
    const query = season === undefined ? '' : `?season=${encodeURIComponent(season)}`;
    const res = await upstream.json<unknown>({
      method: 'GET',
      path: `/internal/skiers/${skierID}/stats${query}`,
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
  };
}
