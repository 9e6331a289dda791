import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestStack, type TestStack } from '@skico/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatSummary, parseOptions, readOptions, runScript } from '../src/index.ts';

// Every k6 script in k6/ against the real system, shrunk to seconds and a few VUs through the same
// __ENV variables a k6 user would set.

const K6_DIR = fileURLToPath(new URL('../../../k6/', import.meta.url));

/** The scripts: files with a default function (the others are modules they share). */
const scripts = readdirSync(K6_DIR).filter(
  (file) => file.endsWith('.js') && /export default function/.test(readFileSync(join(K6_DIR, file), 'utf8')),
);

const SHRUNK: Record<string, Record<string, string>> = {
  'smoke.js': { SMOKE_VUS: '2', SMOKE_ITERATIONS: '3', SMOKE_SLEEP: '0.1' },
  'load.js': { LOAD_VUS: '4', LOAD_DURATION: '3s' },
  'stress.js': { STRESS_VUS: '3', STRESS_PEAK_VUS: '8', STRESS_RAMP: '1s', STRESS_HOLD: '1s' },
  'spike.js': { SPIKE_BASE_VUS: '2', SPIKE_PEAK_VUS: '8', SPIKE_JUMP: '300ms', SPIKE_HOLD: '1s' },
  'soak.js': { SOAK_RATE: '40', SOAK_DURATION: '3s', SOAK_VUS: '4', SOAK_MAX_VUS: '8', SOAK_READ_AFTER_S: '1' },
};

/**
 * Thresholds on correctness, which must hold on any machine. The others are latency, throughput and
 * capacity targets that a loaded two-core CI box may miss: those are evaluated and reported, not asserted.
 */
const CORRECTNESS = new Set(['checks', 'http_req_failed', 'unexpected_errors']);

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

describe('the k6 suite', () => {
  it('when the scripts are listed, then each has a shrunk run here', () => {
    expect(scripts.sort()).toEqual(Object.keys(SHRUNK).sort());
  });

  it.each(Object.keys(SHRUNK))(
    'when %s runs against the system, then its checks pass and its thresholds are evaluated',
    async (file) => {
      const script = join(K6_DIR, file);
      const env = { BASE_URL: stack.gatewayUrl, ...SHRUNK[file] };
      const declared = parseOptions(await readOptions(script, env)).thresholds.flatMap(({ metric, thresholds }) =>
        thresholds.map((t) => `${metric} ${t.source}`),
      );

      const result = await runScript(script, { env });
      console.log(formatSummary(result));

      expect(result.iterationErrors).toEqual([]);
      expect(result.requestErrors).toEqual([]);
      expect(result.iterations.completed).toBeGreaterThan(0);
      expect(result.checks.length).toBeGreaterThan(0);
      expect(result.checks.filter((c) => c.fails > 0)).toEqual([]);
      expect(result.thresholds.map((t) => `${t.metric} ${t.expression}`)).toEqual(declared);
      for (const t of result.thresholds) {
        // dropped_iterations has samples only when the system falls behind the arrival rate.
        if (t.metric !== 'dropped_iterations') expect(t.samples, `${t.metric} has samples`).toBeGreaterThan(0);
        if (CORRECTNESS.has(t.metric)) expect(t, `${t.metric} ${t.expression}`).toMatchObject({ ok: true });
      }
      expect(result.passed).toBe(result.thresholds.every((t) => t.ok));
    },
    30_000,
  );
});
