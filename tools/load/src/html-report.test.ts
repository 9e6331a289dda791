import { describe, expect, it } from 'vitest';
import { summaryTable } from './figures.ts';
import { renderHtml } from './html-report.ts';
import { createRecorder } from './recorder.ts';
import { type LoadReport, machineInfo, ratios, toRunResult } from './report.ts';
import { axis } from './svg-charts.ts';

function state(slowness = 1) {
  const recorder = createRecorder(4);
  for (let i = 0; i < 3_000; i++) {
    const failed = i % 500 === 0;
    recorder.record(i, slowness * (1 + (i % 10)), failed ? 503 : 201, failed);
  }
  return { recorder, retries: 7, retriedStatuses: { 503: 7 }, dropped: 0, startedAt: 0, elapsedMs: 3_000 };
}

const run = (label: 'system' | 'baseline', slowness: number) =>
  toRunResult(label, 'http://127.0.0.1:8080', state(slowness));

function report(): LoadReport {
  const system = run('system', 4);
  const baseline = run('baseline', 1);
  return {
    tool: '@skico/load',
    createdAt: '2026-01-01T00:00:00.000Z',
    config: {
      target: 'http://127.0.0.1:8080',
      workload: 'course',
      requests: 3_000,
      clients: 8,
      model: 'closed',
      baseline: true,
      drain: true,
      drainTimeoutS: 60,
      seed: 1,
      timeoutMs: 10_000,
      warmup: 0,
      startStack: false,
    },
    machine: machineInfo(),
    system,
    baseline,
    ratios: ratios(system, baseline),
    drain: {
      expected: 2_994,
      found: 2_994,
      countBefore: 0,
      countAfter: 2_994,
      drained: true,
      fromStartMs: 3_500,
      fromEndMs: 500,
    },
  };
}

describe('reports', () => {
  it('when a run is recorded, then its per-second series and status counts add up', () => {
    const r = report().system;
    expect(r.series.map((s) => s.count)).toEqual([1_000, 1_000, 1_000]);
    expect(r.statuses).toEqual({ 201: 2_994, 503: 6 });
    expect(r.errors).toBe(6);
    expect(r.throughput).toBe(1_000);
    const partial = toRunResult('system', '', { ...state(), elapsedMs: 2_250 }).series;
    expect(partial.map((s) => s.rps)).toEqual([1_000, 1_000, 4_000]);
  });

  it('when an axis is drawn, then its ticks are round numbers that cover the data', () => {
    expect(axis(3_700, 4)).toEqual({ step: 1_000, max: 4_000 });
    expect(axis(15.3, 6)).toEqual({ step: 5, max: 20 });
    expect(axis(0, 4)).toEqual({ step: 1, max: 1 });
  });

  it('when the system is four times slower than the baseline, then the latency ratios say 4×', () => {
    const q = report().ratios;
    expect(q?.p50).toBeCloseTo(4);
    expect(q?.p99).toBeCloseTo(4);
    expect(q?.throughput).toBe(1);
    expect(summaryTable(report())).toMatch(/latency p99 \(ms\)\s+40\.00\s+10\.00\s+4\.00×/);
  });

  it('when rendered as HTML, then it holds svg charts and loads nothing from anywhere', () => {
    const html = renderHtml(report());
    expect(html.match(/<svg /g)?.length).toBe(3);
    expect(html).toContain('<polyline');
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(|\bsrc=|\bhref=/i);
    // The only addresses are the measured target, shown as text.
    const urls = html.match(/https?:\/\/[^\s"<]+/g) ?? [];
    expect(urls.every((u) => u.startsWith('http://127.0.0.1:'))).toBe(true);
    expect(html).toContain('drained: 2,994 of 2,994');
  });
});
