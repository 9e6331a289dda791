import { execFile } from 'node:child_process';
import { Agent, get } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { issueApiKey } from '@skico/auth';
import { startTestStack, type TestStack } from '@skico/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY_SECRET } from '../../src/config.ts';
import { report } from './chaos-kit.ts';

// 200,000 profile creations from one address, each with an API key the system never issued, while a client
// with an issued key keeps reading. The made-up keys must buy no budget: the address's write budget is
// spent once and the rest is refused, and the limiter stays O(1) per request, so the reader's p99 holds.
// The flood runs at a fixed rate that this 2-core machine answers when each request costs the limiter O(1);
// it comes from a process of its own, as in the surge test. The quiet p99 is taken before and after the
// flood, the larger of the two, since other work on the machine changes over a flood's 100 s.
const FLOOD = 200_000;
const RATE = 2_000;
/** The address's write budget for the whole test: one hour's window, so that none ends mid-flood. */
const WRITES = 1_000;
const WINDOW_SECONDS = 3_600;
const READ_PATH = '/resorts/1';
const flooder = join(dirname(fileURLToPath(import.meta.url)), 'key-flooder.ts');
let stack: TestStack;

interface FloodSummary {
  sent: number;
  statuses: Record<string, number>;
  firstRefused: number;
  lastCreated: number;
  durationMs: number;
}

function p99(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.99) - 1)] ?? 0;
}

const readAgent = new Agent({ keepAlive: true, maxSockets: 1 });
const readHeaders = { 'x-api-key': issueApiKey(DEVELOPMENT_API_KEY_SECRET, 'steady-reader').key };
const read = () =>
  new Promise<{ status: number; ms: number }>((resolve, reject) => {
    const started = performance.now();
    get(`${stack.gatewayUrl}${READ_PATH}`, { agent: readAgent, headers: readHeaders }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    }).on('error', reject);
  });

/** Sequential reads until `until` resolves (or for `durationMs`); every one must succeed. */
async function readLatencies(until: { done: boolean } | number): Promise<number[]> {
  const latencies: number[] = [];
  const end = typeof until === 'number' ? Date.now() + until : Number.POSITIVE_INFINITY;
  while (typeof until === 'number' ? Date.now() < end : !until.done) {
    const { status, ms } = await read();
    expect(status).toBe(200);
    latencies.push(ms);
  }
  return latencies;
}

beforeAll(async () => {
  stack = await startTestStack({
    settings: { extra: { RATE_LIMIT_WRITES: String(WRITES), RATE_LIMIT_WINDOW_SECONDS: String(WINDOW_SECONDS) } },
  });
  await readLatencies(2_000);
});

afterAll(async () => {
  readAgent.destroy();
  await stack?.stop();
});

describe('a flood of made-up API keys', () => {
  it('when 200,000 requests each carry a key the system never issued, then they are limited as one address and a client with an issued key reads as fast as without the flood', async () => {
    const quiet = await readLatencies(8_000);
    const flooding = { done: false };
    const flood = promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', flooder, stack.gatewayUrl, String(FLOOD), String(RATE)],
      { timeout: 240_000 },
    ).finally(() => {
      flooding.done = true;
    });
    const [during, { stdout }] = await Promise.all([readLatencies(flooding), flood]);
    const after = await readLatencies(8_000);
    const quietP99 = Math.max(p99(quiet), p99(after));
    const summary = JSON.parse(stdout) as FloodSummary;
    const created = summary.statuses['201'] ?? 0;
    const refused = summary.statuses['429'] ?? 0;
    report.keyFlood = {
      ...summary,
      quietP99Ms: [Number(p99(quiet).toFixed(2)), Number(p99(after).toFixed(2))],
      floodP99Ms: Number(p99(during).toFixed(2)),
      ratio: Number((p99(during) / quietP99).toFixed(2)),
      reads: { quiet: quiet.length, during: during.length, after: after.length },
    };
    console.log('key flood', JSON.stringify(report.keyFlood));

    expect(summary.sent).toBe(FLOOD);
    expect(created + refused).toBe(FLOOD);
    // One address's budget, whatever the keys: all of it (no refusal before it was spent), and no more than
    // the sliding window lets back in if an hour boundary falls within the flood.
    expect(created).toBeGreaterThanOrEqual(WRITES);
    expect(created).toBeLessThanOrEqual(WRITES * (1 + summary.durationMs / (WINDOW_SECONDS * 1000)) + 1);
    // Refusals begin once the budget is spent: only requests in flight together can overtake each other.
    expect(summary.firstRefused).toBeGreaterThanOrEqual(WRITES - 32);
    expect(p99(during)).toBeLessThanOrEqual(2 * quietP99);
  }, 300_000);
});
