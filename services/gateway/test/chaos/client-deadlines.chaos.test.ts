import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { report } from './chaos-kit.ts';

// What a client does with its own deadline or its own load must not open a breaker for the others: a
// flood of requests with the smallest `Request-Timeout` (issue 14, item 1), and more calls than a
// bulkhead admits (item 3).
const READ_PATH = '/skiers/2/seasons/2025/days/5/skiers/77';
const flooder = join(dirname(fileURLToPath(import.meta.url)), 'deadline-flooder.ts');

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
}

/** One HTTP call over `agent`: its status, Retry-After and time taken. */
function call(agent: Agent, url: string, method: 'GET' | 'POST', body?: unknown) {
  return new Promise<{ status: number; retryAfter: string | undefined; ms: number }>((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method, agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: res.headers['retry-after'] as string | undefined,
          ms: performance.now() - started,
        }),
      );
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** How often each of the gateway's upstream breakers opened, from its metrics. */
async function openings(stack: TestStack): Promise<number> {
  const text = await (await fetch(`${stack.opsUrlOf('gateway')}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('skico_breaker_transitions_total{') && line.includes('to="open"'))
    .reduce((sum, line) => sum + Number(line.split(' ').at(-1)), 0);
}

async function breakerStates(stack: TestStack): Promise<Record<string, string | undefined>> {
  const body = (await (await fetch(`${stack.opsUrlOf('gateway')}/health/deps`)).json()) as {
    dependencies: Record<string, { breaker?: string }>;
  };
  return Object.fromEntries(['resort', 'skier', 'lift-ride'].map((n) => [n, body.dependencies[n]?.breaker]));
}

describe('a flood of requests with the smallest deadline', () => {
  let stack: TestStack;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  let skier = 900_000;
  // The normal client: a ride and a read of a day's vertical, one after the other, as a scanner and an app do.
  const normalClient = async (durationMs: number) => {
    const latencies: number[] = [];
    const statuses: Record<number, number> = {};
    const end = Date.now() + durationMs;
    while (Date.now() < end) {
      skier += 1;
      for (const answer of [
        await call(agent, `${stack.gatewayUrl}/skiers/2/seasons/2025/days/4/skiers/${skier}`, 'POST', {
          time: 1 + (skier % 360),
          liftID: 3,
        }),
        await call(agent, `${stack.gatewayUrl}${READ_PATH}`, 'GET'),
      ]) {
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        latencies.push(answer.ms);
      }
    }
    return { latencies, statuses };
  };
  const flood = async (clients: number, rate: number, durationMs: number) => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', flooder, stack.gatewayUrl, String(clients), String(rate), String(durationMs), '1'],
      { timeout: durationMs + 30_000 },
    );
    return JSON.parse(stdout) as { sent: number; dropped: number; statuses: Record<string, number> };
  };

  beforeAll(async () => {
    stack = await startTestStack();
    await fetch(`${stack.gatewayUrl}${READ_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ time: 10, liftID: 7 }),
    });
    await waitFor(async () => (await fetch(`${stack.gatewayUrl}${READ_PATH}`)).status === 200, { timeoutMs: 10_000 });
    await normalClient(1_500);
  });

  afterAll(async () => {
    agent.destroy();
    await stack?.stop();
  });

  it('when 16 clients send rides and reads with Request-Timeout: 1 for seconds, then another client keeps 100 % success and its p99 within 2× of its quiet value', async () => {
    const quiet = await normalClient(5_000);
    const [flooded, during] = await Promise.all([flood(16, 300, 6_000), normalClient(6_000)]);
    const quietP99 = p99(quiet.latencies);
    const floodedP99 = p99(during.latencies);
    report.deadlineFlood = {
      floodAnswers: flooded.statuses,
      floodSent: flooded.sent,
      normalQuiet: quiet.statuses,
      normalDuringFlood: during.statuses,
      quietP99Ms: Math.round(quietP99 * 10) / 10,
      floodedP99Ms: Math.round(floodedP99 * 10) / 10,
      ratio: Math.round((floodedP99 / quietP99) * 100) / 100,
      breakerOpenings: await openings(stack),
    };
    console.log(`deadline flood: ${JSON.stringify(report.deadlineFlood)}`);
    // The flood reached the gateway: a thousand answers and more, each a deadline that could not be met.
    const refused = (flooded.statuses['504'] ?? 0) + (flooded.statuses['503'] ?? 0);
    expect(refused).toBeGreaterThan(800);
    expect(Object.keys(during.statuses)).toEqual(Object.keys(quiet.statuses));
    expect(Object.keys(during.statuses).every((s) => s === '200' || s === '201')).toBe(true);
    expect(await openings(stack)).toBe(0);
    expect(floodedP99).toBeLessThanOrEqual(2 * quietP99);
  }, 60_000);
});

describe('more calls than a bulkhead admits, to a healthy upstream', () => {
  let stack: TestStack;
  const BULKHEAD = 4;

  beforeAll(async () => {
    stack = await startTestStack({
      settings: {
        extra: {
          READ_CONCURRENCY: String(BULKHEAD),
          WRITE_CONCURRENCY: String(BULKHEAD),
          UPSTREAM_CONNECTIONS: String(BULKHEAD),
        },
      },
    });
    await waitFor(async () => (await fetch(`${stack.gatewayUrl}/resorts/1/seasons`)).status === 200, {
      timeoutMs: 10_000,
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('when reads and writes keep twelve times the bulkhead in flight for seconds, then the breaker stays closed and only the excess gets 503 with Retry-After', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 96 });
    const statuses: Record<number, number> = {};
    let withoutRetryAfter = 0;
    let n = 0;
    const end = Date.now() + 5_000;
    const client = async (write: boolean) => {
      while (Date.now() < end) {
        n += 1;
        const answer = write
          ? await call(agent, `${stack.gatewayUrl}/skiers/5/seasons/2025/days/6/skiers/${800_000 + n}`, 'POST', {
              time: 1 + (n % 360),
              liftID: 1 + (n % 40),
            })
          : await call(agent, `${stack.gatewayUrl}/skiers/5/seasons/2025/days/6/skiers/${800_000 + (n % 100)}`, 'GET');
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (answer.status === 503 && !answer.retryAfter) withoutRetryAfter += 1;
      }
    };
    await Promise.all([
      ...Array.from({ length: 6 * BULKHEAD }, () => client(false)),
      ...Array.from({ length: 6 * BULKHEAD }, () => client(true)),
    ]);
    agent.destroy();
    const states = await breakerStates(stack);
    report.bulkheadSaturation = { statuses, breakerOpenings: await openings(stack), states };
    console.log(`bulkhead saturation: ${JSON.stringify(report.bulkheadSaturation)}`);
    // Reads of skiers without rides that day are 404: answers too, not refusals.
    expect(Object.keys(statuses).every((s) => ['200', '201', '404', '503'].includes(s))).toBe(true);
    expect((statuses[201] ?? 0) + (statuses[200] ?? 0)).toBeGreaterThan(0);
    expect(statuses[503]).toBeGreaterThan(100);
    expect(withoutRetryAfter).toBe(0);
    expect(await openings(stack)).toBe(0);
    expect(states['lift-ride']).toBe('closed');
  }, 60_000);
});
