import { execFile } from 'node:child_process';
import { Agent, get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_MS, report } from './chaos-kit.ts';

// A surge of lift-ride writes arriving at twice the write capacity while a client keeps reading. The
// write capacity is the gateway's write admission per upstream (WRITE_CONCURRENCY), sized here as an
// operator would on this 2-core machine: low enough that the admitted writes leave CPU for the reads. One
// write at a time already admits 270-410 rides/s (each waits for the broker's confirm, not for the CPU);
// a second slot added about a fifth to that, and with the surge at twice the larger capacity the read
// p99 reached 1.7-2.0× on a slow day, against 1.0-1.6× with one slot.
// The writers run in a process of their own, at a fixed arrival rate (open model: a surge does not slow
// down because the system does), and the reads are one steady client.
const CAPACITY = 1;
const READ_PATH = '/skiers/3/seasons/2025/days/2/skiers/77';
const writer = join(dirname(fileURLToPath(import.meta.url)), 'surge-writer.ts');
let stack: TestStack;

interface WriterSummary {
  sent: number;
  /** Arrivals not sent because the writer already waited for as many answers as a client pool holds. */
  dropped: number;
  statuses: Record<string, number>;
  shedP99Ms: number;
  shedWorstMs: number;
  shedWithoutRetryAfter: number;
  durationMs: number;
}

async function runWriters(
  mode: 'closed' | 'open',
  amount: number,
  durationMs: number,
  firstSkier: number,
): Promise<WriterSummary> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', writer, stack.gatewayUrl, mode, String(amount), String(durationMs), String(firstSkier)],
    { timeout: durationMs + 30_000 },
  );
  return JSON.parse(stdout) as WriterSummary;
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
}

const readAgent = new Agent({ keepAlive: true, maxSockets: 1 });
const read = () =>
  new Promise<{ status: number; ms: number }>((resolve, reject) => {
    const started = performance.now();
    get(`${stack.gatewayUrl}${READ_PATH}`, { agent: readAgent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    }).on('error', reject);
  });

/** Sequential reads for `durationMs`, as one steady client makes them; every one must succeed. */
async function readLatencies(durationMs: number): Promise<number[]> {
  const latencies: number[] = [];
  const end = Date.now() + durationMs;
  while (Date.now() < end) {
    const { status, ms } = await read();
    expect(status).toBe(200);
    latencies.push(ms);
  }
  return latencies;
}

beforeAll(async () => {
  stack = await startTestStack({ settings: { extra: { WRITE_CONCURRENCY: String(CAPACITY) } } });
  await fetch(`${stack.gatewayUrl}${READ_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ time: 10, liftID: 7 }),
  });
  await waitFor(async () => (await fetch(`${stack.gatewayUrl}${READ_PATH}`)).status === 200, { timeoutMs: 10_000 });
  await readLatencies(1_000);
});

afterAll(async () => {
  readAgent.destroy();
  console.log(`chaos (surge): ${JSON.stringify(report, null, 1)}`);
  await stack?.stop();
});

describe('a write surge at twice the write capacity', () => {
  // Capacity is latency-bound (each admitted ride waits for the broker's confirm), yet at that rate the
  // processes already use most of the two cores: a request handled alone costs several times its CPU under
  // full load (docs/performance.md). The surge at twice that rate brings them close to saturation, so the
  // reads, which share the cores, rise: 1.0-1.6× their unloaded p99. The chaos files run after the rest
  // of the suite, one at a time, so that no other test shares the cores with them.
  it('when writes arrive at twice capacity, then every read succeeds within twice its unloaded p99, and the excess writes get 503 with Retry-After at once', async () => {
    // Capacity in rides a second: what the admitted writers achieve back to back.
    const measured = await runWriters('closed', CAPACITY, 3_000, 600_000);
    const capacityPerSecond = ((measured.statuses['201'] ?? 0) * 1000) / measured.durationMs;
    expect(measured.statuses['503'] ?? 0).toBe(0);
    // The write path settles (queue drained, caches refilled) before the unloaded reads.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const unloaded = p99(await readLatencies(6_000));

    const [surge, loaded] = await Promise.all([
      runWriters('open', Math.round(2 * capacityPerSecond), 8_000, 700_000),
      readLatencies(8_000).then(p99),
    ]);
    report.surge = {
      capacityRidesPerSecond: Math.round(capacityPerSecond),
      surgeRidesPerSecond: Math.round(2 * capacityPerSecond),
      writes: surge.statuses,
      droppedArrivals: surge.dropped,
      shedP99Ms: surge.shedP99Ms,
      shedWorstMs: surge.shedWorstMs,
      unloadedReadP99Ms: Math.round(unloaded * 10) / 10,
      loadedReadP99Ms: Math.round(loaded * 10) / 10,
      ratio: Math.round((loaded / unloaded) * 100) / 100,
    };
    expect(Object.keys(surge.statuses).sort()).toEqual(['201', '503']);
    expect(surge.shedWithoutRetryAfter).toBe(0);
    // Fast: at once rather than at the deadline that an admitted write may wait for (the p99 is 5-15 ms).
    expect(surge.shedP99Ms).toBeLessThan(DEADLINE_MS / 4);
    expect(surge.shedWorstMs).toBeLessThan(DEADLINE_MS / 2);
    expect(loaded).toBeLessThanOrEqual(2 * unloaded);
  }, 60_000);
});
