import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheDelta, cacheSentence, readCacheCounts } from './cache-counts.ts';

let url = '';
let hits = 10;
const server = createServer((_req, res) => {
  res.end(
    [
      '# HELP skico_cache_requests_total Cache lookups by result.',
      `skico_cache_requests_total{result="hit",service="lift-ride"} ${hits}`,
      'skico_cache_requests_total{result="miss",service="lift-ride"} 30',
      'skico_cache_requests_total{result="join",service="lift-ride"} 2',
    ].join('\n'),
  );
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('cache counts', () => {
  it('when the counter is read twice, then the run is the difference, and a missing outcome counts 0', async () => {
    const before = await readCacheCounts(url);
    hits = 70;
    const after = await readCacheCounts(url);
    expect(before).toEqual({ hit: 10, miss: 30, join: 2, bypass: 0 });
    if (!before || !after) throw new Error('the counter was not read');
    expect(cacheDelta(before, after)).toEqual({ hit: 60, miss: 0, join: 0, bypass: 0 });
    expect(cacheSentence({ hit: 25, miss: 70, join: 5, bypass: 0 })).toMatch(
      /^lift-ride cache: 25 % of 100 lookups hit/,
    );
  });

  it('when nothing answers, then there is no reading', async () => {
    expect(await readCacheCounts('http://127.0.0.1:1/metrics')).toBeUndefined();
  });
});
