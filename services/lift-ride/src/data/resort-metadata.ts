import type { Cache } from '@skico/cache';
import type { ResortDetail } from '@skico/contracts';
import { DependencyUnavailable } from '@skico/errors';
import type { Replicas } from '@skico/http';
import type { Breaker } from '@skico/resilience';
import { LRUCache } from 'lru-cache';
import type { ResortMetadata } from '../domain/check-ride.ts';

export interface MetadataOptions {
  /** The resort service's replicas, each guarded by its breaker, whose timeout bounds each metadata call. */
  resort: Pick<Replicas<Breaker>, 'pick'>;
  cache: Cache;
  /** How long this process keeps a resort's metadata without asking Redis again. */
  localTtlMs: number;
  /** How long Redis keeps it: a lift edit reaches new rides within local + shared TTL. */
  sharedTtlSeconds: number;
  /** Resorts kept in this process at most; the least recently used leaves first. */
  localMaxEntries?: number;
}

/** Far above the resorts a deployment has: only ids nobody has (a client's inventions) get evicted. */
const DEFAULT_LOCAL_MAX_ENTRIES = 10_000;

/**
 * Resort metadata (seasons, lifts and their vertical rise) from the resort service, cached in this
 * process and in Redis so that a ride does not cost a resort call.
 */
export function createResortMetadata(options: MetadataOptions): ResortMetadata {
  // Keyed by the resortID of a request: capped, so that ids a client makes up cannot fill the heap.
  // Wrapped, since lru-cache keeps no undefined values and "no such resort" is an answer worth keeping.
  const local = new LRUCache<number, { value: ResortDetail | undefined }>({
    max: options.localMaxEntries ?? DEFAULT_LOCAL_MAX_ENTRIES,
    ttl: options.localTtlMs,
  });

  const fetchResort = async (resortID: number): Promise<ResortDetail | undefined> => {
    const { upstream, breaker } = options.resort.pick();
    return breaker.run(async (signal) => {
      const answer = await upstream.json<ResortDetail>({
        method: 'GET',
        path: `/resorts/${resortID}`,
        timeoutMs: 30_000,
        signal,
      });
      if (answer.status === 404) return undefined;
      if (answer.status !== 200) throw new DependencyUnavailable('resort', 'failed');
      return answer.body;
    });
  };

  return {
    /** The resort's metadata, or undefined when the resort does not exist. */
    async get(resortID: number): Promise<ResortDetail | undefined> {
      const hit = local.get(resortID);
      if (hit) return hit.value;
      const value = await options.cache.getOrLoad(`meta:${resortID}`, () => fetchResort(resortID), {
        ttlSeconds: options.sharedTtlSeconds,
        negativeTtlSeconds: 5,
      });
      local.set(resortID, { value });
      return value;
    },
  };
}
