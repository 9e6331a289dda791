import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { databaseUrl, serviceSchemas, startTestStack, type TestStack } from '@skico/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadConfig, measure } from '../src/index.ts';

let stack: TestStack;
let out: string;
let dbUrl: string;

beforeAll(async () => {
  [stack, out] = await Promise.all([startTestStack(), mkdtemp(join(tmpdir(), 'skico-load-'))]);
  const schema = serviceSchemas.find((s) => s.service === 'lift-ride');
  if (!schema) throw new Error('no lift-ride schema');
  dbUrl = databaseUrl(stack.settings, schema);
});
afterAll(async () => {
  await stack?.stop();
  if (out) await rm(out, { recursive: true, force: true });
});

const config = (overrides: Partial<LoadConfig>): LoadConfig => ({
  target: stack.gatewayUrl,
  workload: 'course',
  requests: 600,
  clients: 8,
  model: 'closed',
  baseline: true,
  drain: true,
  drainTimeoutS: 30,
  seed: 20261122,
  timeoutMs: 10_000,
  warmup: 100,
  startStack: false,
  ...overrides,
});

describe('the load tool against a real system', () => {
  it('when the course client posts rides, then it reports ratios to the baseline and finds every ride in Postgres', async () => {
    const { report, paths } = await measure({
      config: config({}),
      databaseUrl: dbUrl,
      out,
      progress: false,
      log: () => undefined,
    });

    expect(report.system.requests).toBe(600);
    expect(report.system.errors).toBe(0);
    expect(report.system.statuses).toEqual({ 201: 600 });
    expect(report.system.throughput).toBeGreaterThan(0);
    expect(report.baseline?.statuses).toEqual({ 201: 600 });
    for (const value of Object.values(report.ratios ?? {})) expect(Number.isFinite(value) && value > 0).toBe(true);

    const drain = report.drain;
    // 600 measured rides plus 100 warm-up rides, minus any natural key drawn twice.
    expect(drain?.expected).toBeGreaterThan(690);
    expect(drain).toMatchObject({ drained: true, found: drain?.expected });
    expect((drain?.countAfter ?? 0) - (drain?.countBefore ?? 0)).toBeGreaterThanOrEqual(drain?.expected ?? 1);
    expect(drain?.fromEndMs).toBeGreaterThanOrEqual(0);

    expect(JSON.parse(readFileSync(paths.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(report)));
    expect(existsSync(paths.html) && readFileSync(paths.html, 'utf8')).toContain('<svg');
  }, 60_000);

  it('when the mixed profile arrives at a fixed rate, then reads and writes both succeed', async () => {
    const { report } = await measure({
      config: config({
        workload: 'mixed',
        model: 'open',
        rate: 200,
        requests: 300,
        baseline: false,
        warmup: 0,
        seed: 7,
      }),
      databaseUrl: dbUrl,
      out,
      progress: false,
      log: () => undefined,
    });
    expect(report.system.requests).toBe(300);
    expect(report.system.errors).toBe(0);
    expect(report.system.elapsedS).toBeGreaterThanOrEqual(1.49);
    expect(report.system.statuses['201']).toBeGreaterThan(100);
    expect(report.ratios).toBeNull();
    expect(report.drain).toMatchObject({ drained: true, found: report.drain?.expected });
  }, 30_000);
});
