import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createReplicas } from '@skico/http';
import { createBreaker, createBulkhead, createRetryBudget } from '@skico/resilience';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayResilience as knobs } from '../resilience.ts';
import type { ApiRequest } from './api-request.ts';
import { createUpstreamCaller } from './upstream-caller.ts';

// Two replicas of the resort service on loopback: one that fails every call (502), one that answers.
const servers: Server[] = [];
const hits = [0, 0];
const listen = (status: number, index: number) =>
  new Promise<string>((resolve) => {
    const server = createServer((_req, res) => {
      hits[index] = (hits[index] ?? 0) + 1;
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });

let call: ReturnType<typeof createUpstreamCaller>;
const counted: string[] = [];
let close: () => Promise<void>;

beforeAll(async () => {
  const urls = [await listen(502, 0), await listen(200, 1)];
  const resort = createReplicas({
    name: 'resort',
    baseUrls: urls,
    connections: 4,
    breaker: (name) => createBreaker({ ...knobs.breakers.resort, name }),
  });
  close = () => resort.close();
  const bulkhead = (name: string) => createBulkhead(name, 10);
  call = createUpstreamCaller({
    upstreams: { resort, skier: resort, 'lift-ride': resort },
    bulkheads: {
      'resort:read': bulkhead('r'),
      'resort:write': bulkhead('w'),
      'skier:read': bulkhead('r'),
      'skier:write': bulkhead('w'),
      'lift-ride:read': bulkhead('r'),
      'lift-ride:write': bulkhead('w'),
    },
    retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
    budget: createRetryBudget({ ratio: 1, minPerWindow: 1_000, windowMs: 10_000 }),
    count: (upstream, kind) => counted.push(`${upstream} ${kind}`),
  });
});

afterAll(async () => {
  await close();
  for (const server of servers) server.close();
});

const get = { method: 'GET', url: '/resorts', headers: {}, id: 'test' } as unknown as ApiRequest;
const due = () => ({ by: Date.now() + 2_000, ownBy: Date.now() + 2_000 });

describe('the upstream caller over replicas', () => {
  it('when a safe request fails on one replica, then its retry goes to the other, which answers', async () => {
    hits.fill(0);
    counted.length = 0;
    const answers = await Promise.all(Array.from({ length: 6 }, () => call('resort', get, due(), true)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
    // Every failing replica's call was followed by a call to the other.
    expect(hits[1]).toBe(6);
    // Counted for /metrics: one first attempt per request, one retry per failed first attempt.
    expect(counted.filter((c) => c === 'resort first')).toHaveLength(6);
    expect(counted.filter((c) => c === 'resort retry')).toHaveLength(hits[0] ?? 0);
  });

  it('when a request may not be retried, then the failing replica’s answer is the answer', async () => {
    hits.fill(0);
    const answers = [];
    for (let i = 0; i < 4; i++)
      answers.push((await call('resort', { ...get, method: 'POST' } as ApiRequest, due(), false)).status);
    expect(answers.sort()).toEqual([200, 200, 502, 502]);
  });
});
