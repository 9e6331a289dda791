import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Cache } from '@skico/cache';
import type { Upstream } from '@skico/http';
import { createBreaker } from '@skico/resilience';
import { describe, expect, it } from 'vitest';
import { liftRideDependencies } from '../resilience.ts';
import { createResortMetadata } from './resort-metadata.ts';

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

const heapAfterGc = () => {
  collect();
  collect();
  return process.memoryUsage().heapUsed;
};

/** The resort service's answer to an id it does not know, without the network: a million calls stay quick. */
const unknownResorts = { json: async () => ({ status: 404, headers: {}, body: undefined }) } as unknown as Upstream;

/** Redis misses every time, as it does for ids nobody asked before. */
const coldCache: Cache = {
  getOrLoad: (_key, loader) => loader(),
  invalidate: async () => undefined,
  stats: () => ({ hits: 0, misses: 0, joins: 0, bypasses: 0 }),
};

const IDS = 1_000_000;
/** What a million ids may add to the heap: the cap's worth of entries and the collector's slack. */
const HEAP_BOUND_BYTES = 8 * 1024 * 1024;

describe('resort metadata', () => {
  it('when a million distinct unknown resort ids are asked, then the heap grows by less than 8 MB', async () => {
    // A short window: the breaker keeps a little per call until its window turns, which is not what is measured.
    const breaker = createBreaker({ ...liftRideDependencies.resort, rollingWindowMs: 1_000 });
    const metadata = createResortMetadata({
      resort: { pick: () => ({ upstream: unknownResorts, breaker }) },
      cache: coldCache,
      localTtlMs: 60_000,
      sharedTtlSeconds: 60,
    });
    // Warm up the code paths once, so that compiled code does not count as growth.
    for (let id = 1; id <= 20_000; id += 1) await metadata.get(-id);
    const before = heapAfterGc();
    const batch = 8;
    let found = 0;
    for (let first = 1_000_000; first < 1_000_000 + IDS; first += batch) {
      const asked: Promise<unknown>[] = [];
      for (let id = first; id < first + batch; id += 1) asked.push(metadata.get(id));
      for (const answer of await Promise.all(asked)) if (answer !== undefined) found += 1;
      // Timers run between requests, as they do in a server: the breaker's window turns.
      if (first % 10_000 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const after = heapAfterGc();
    // Used after the measurement, so that the collector cannot free the lookup (and its entries) before it.
    expect(await metadata.get(1_000_000 + IDS - 1)).toBeUndefined();
    breaker.shutdown();
    console.log(
      `heap after GC: ${(before / 2 ** 20).toFixed(1)} MB before, ${(after / 2 ** 20).toFixed(1)} MB after ${IDS} ids`,
    );
    expect(found).toBe(0);
    expect(after - before).toBeLessThan(HEAP_BOUND_BYTES);
  }, 180_000);
});
