import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countsDelta, countsSentences, readLiftRideCounts } from './lift-ride-counts.ts';

let url = '';
let hits = 10;
let messages = 4;
const server = createServer((_req, res) => {
  res.end(
    [
      '# HELP skico_cache_requests_total Cache lookups by result.',
      `skico_cache_requests_total{result="hit",service="lift-ride"} ${hits}`,
      'skico_cache_requests_total{result="miss",service="lift-ride"} 30',
      'skico_cache_requests_total{result="join",service="lift-ride"} 2',
      'skico_publish_rides_per_message_bucket{le="1",service="lift-ride"} 1',
      `skico_publish_rides_per_message_sum{service="lift-ride"} ${messages * 10}`,
      `skico_publish_rides_per_message_count{service="lift-ride"} ${messages}`,
      `skico_publish_confirm_seconds_sum{service="lift-ride"} ${messages * 0.002}`,
      `skico_publish_confirm_seconds_count{service="lift-ride"} ${messages}`,
    ].join('\n'),
  );
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('lift-ride counts', () => {
  it('when the counters are read twice, then the run is the difference, and a missing outcome counts 0', async () => {
    const before = await readLiftRideCounts(url);
    hits = 70;
    messages = 14;
    const after = await readLiftRideCounts(url);
    expect(before?.cache).toEqual({ hit: 10, miss: 30, join: 2, bypass: 0 });
    if (!before || !after) throw new Error('the counters were not read');
    const run = countsDelta(before, after);
    expect(run.cache).toEqual({ hit: 60, miss: 0, join: 0, bypass: 0 });
    expect(run.publish).toEqual({ messages: 10, rides: 100, confirmSeconds: expect.closeTo(0.02, 6) });
    const [cache, publish] = countsSentences({ ...run, cache: { hit: 25, miss: 70, join: 5, bypass: 0 } });
    expect(cache).toMatch(/^lift-ride cache: 25 % of 100 lookups hit/);
    expect(publish).toBe(
      'group commit: 100 rides in 10 messages (10.0 per message), confirmed after 2.00 ms on average',
    );
  });

  it('when nothing was looked up or published, then there is nothing to say', () => {
    const none = {
      cache: { hit: 0, miss: 0, join: 0, bypass: 0 },
      publish: { messages: 0, rides: 0, confirmSeconds: 0 },
    };
    expect(countsSentences(none)).toEqual([]);
  });

  it('when nothing answers, then there is no reading', async () => {
    expect(await readLiftRideCounts('http://127.0.0.1:1/metrics')).toBeUndefined();
  });
});
