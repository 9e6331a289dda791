import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpClient } from './http-client.ts';
import { type LoadModel, runLoad } from './run-load.ts';
import { readMix } from './workloads.ts';

let server: Server | undefined;
let client: HttpClient | undefined;
afterEach(async () => {
  await client?.close();
  server?.closeAllConnections();
  server?.close();
});

/** A server that answers at once, except that the 5th request it sees stalls for `stallMs`. */
async function stallingServer(stallMs: number): Promise<string> {
  let seen = 0;
  server = createServer((req, res) => {
    seen++;
    req.resume();
    setTimeout(() => res.end('{}'), seen === 5 ? stallMs : 0);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function measure(model: LoadModel) {
  const origin = await stallingServer(400);
  // One connection: whatever arrives during the stall must wait behind it, as on a stuck server.
  client = createHttpClient({ origin, connections: 1, timeoutMs: 5_000 });
  const run = runLoad({ requests: readMix(1), send: client.send, model, clients: 1, rate: 100, count: 60 });
  const state = await run.done;
  return { summary: state.recorder.summary(), elapsedMs: state.elapsedMs };
}

describe('load models', () => {
  it('when the server stalls, then the open model counts the wait of every arrival behind the stall', async () => {
    const open = await measure('open');
    // Arrivals every 10 ms during a 400 ms stall: about 40 of the 60 requests wait, up to the full stall.
    expect(open.summary.count).toBe(60);
    expect(open.summary.max).toBeGreaterThanOrEqual(390);
    expect(open.summary.p50).toBeGreaterThan(100);
    expect(open.summary.p95).toBeGreaterThan(300);
  });

  it('when the server stalls, then the closed model hides it in one slow request (coordinated omission)', async () => {
    const closed = await measure('closed');
    expect(closed.summary.count).toBe(60);
    expect(closed.summary.max).toBeGreaterThanOrEqual(390);
    expect(closed.summary.p95).toBeLessThan(100);
  });

  it('when the open model runs at a fixed rate, then it takes as long as the schedule, not as the server', async () => {
    const origin = await stallingServer(0);
    client = createHttpClient({ origin, connections: 4, timeoutMs: 5_000 });
    const run = runLoad({ requests: readMix(2), send: client.send, model: 'open', clients: 4, rate: 200, count: 100 });
    const state = await run.done;
    expect(state.recorder.count).toBe(100);
    // 100 arrivals at 200/s: the last one is scheduled at 495 ms.
    expect(state.elapsedMs).toBeGreaterThanOrEqual(495);
    expect(state.elapsedMs).toBeLessThan(1_500);
  });
});
