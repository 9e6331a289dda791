import { Agent, get } from 'node:http';
import { startTestStack, type TestStack } from '@skico/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// A burst of cold reads as many concurrent as the gateway admits towards the lift-ride service
// (READ_CONCURRENCY): each misses the cache and queries Postgres. The service's Postgres bulkhead must let
// them wait briefly for a connection rather than refuse them, which the gateway would retry a second later.
const BURST = 96;
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const agent = new Agent({ keepAlive: true, maxSockets: BURST });
const read = (path: string) =>
  new Promise<number>((resolve, reject) => {
    get(`${stack.gatewayUrl}${path}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', reject);
  });

async function postgresRefusals(): Promise<number> {
  const text = await (await fetch(`${stack.urlOf('lift-ride')}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith('skico_breaker_rejections_total{dependency="postgres",reason="full"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('a burst of cold reads', () => {
  it('when as many arrive at once as the gateway admits, then the lift-ride service answers each without refusing one', async () => {
    const before = await postgresRefusals();
    for (let round = 0; round < 5; round++) {
      const statuses = await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          read(`/skiers/1/seasons/2025/days/3/skiers/${900_000 + round * BURST + i}`),
        ),
      );
      // Nobody rode: each answer is the documented 404, and none is a 503.
      expect(new Set(statuses)).toEqual(new Set([404]));
    }
    expect((await postgresRefusals()) - before).toBe(0);
    agent.destroy();
  }, 60_000);
});
