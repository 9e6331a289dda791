import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { promqlNames } from '../src/metric-readings.ts';
import { repoRoot } from '../src/processes.ts';
import { readYaml } from './container-files.ts';
import { commonLabels, type ExpectedMetric, expectedMetrics } from './expected-metrics.ts';

// Static checks of the Grafana dashboard infra/grafana/dashboards/skico.json and of the metric names that it
// and the alert rules query, against the list in expected-metrics.ts.

interface Target {
  refId: string;
  expr: string;
  datasource?: { type?: string; uid?: string };
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: { name: string; datasource?: { uid?: string }; query: { query: string } | string }[] };
}

interface RuleFile {
  groups: { name: string; rules: { record?: string; alert?: string; expr: string }[] }[];
}

const dashboard = JSON.parse(readFileSync(join(repoRoot, 'infra/grafana/dashboards/skico.json'), 'utf8')) as Dashboard;
const rules = readYaml<RuleFile>('infra/prometheus/alerts.yml').groups.flatMap((g) => g.rules);
const datasource = readYaml<{ datasources: { uid: string; type: string }[] }>(
  'infra/grafana/provisioning/datasources/prometheus.yml',
).datasources[0];

/** Rows only group panels: they hold no query. */
const dataPanels = dashboard.panels.filter((p) => p.type !== 'row');
const recorded = new Set(rules.flatMap((r) => (r.record ? [r.record] : [])));

function templateQueries(): string[] {
  return (dashboard.templating?.list ?? []).map((v) => (typeof v.query === 'string' ? v.query : v.query.query));
}

/** Every PromQL expression of the dashboard and of the rules, with where it comes from. */
function expressions(): { from: string; expr: string }[] {
  return [
    ...dataPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ from: `panel "${p.title}"`, expr: t.expr }))),
    ...rules.map((r) => ({ from: `rule ${r.alert ?? r.record}`, expr: r.expr })),
    // label_values(metric, label) is Grafana's, not PromQL: its metric is checked as a series.
    ...templateQueries().map((q) => ({
      from: 'template variable',
      expr: q.replace(/label_values\(\s*([^,]+),\s*(\w+)\s*\)/, '$1'),
    })),
  ];
}

/** The expected metric a series name belongs to (`…_bucket`, `…_count` and `…_sum` to their histogram). */
function metricOf(series: string): ExpectedMetric | undefined {
  return expectedMetrics.find(
    (m) =>
      m.name === series || (m.type === 'histogram' && ['_bucket', '_count', '_sum'].some((s) => series === m.name + s)),
  );
}

describe('infra/grafana/dashboards/skico.json', () => {
  it('when Grafana provisions it, then it has a uid and every panel queries the provisioned Prometheus', () => {
    expect(dashboard.uid).toBe('skico');
    expect(dataPanels.length).toBeGreaterThan(0);
    for (const p of dataPanels) {
      expect(p.datasource, p.title).toEqual({ type: datasource?.type, uid: datasource?.uid });
      expect(p.targets?.length, `${p.title} has targets`).toBeGreaterThan(0);
      const refIds = (p.targets ?? []).map((t) => t.refId);
      expect(new Set(refIds).size, `${p.title} refIds`).toBe(refIds.length);
      for (const t of p.targets ?? []) {
        expect(t.expr.trim(), `${p.title} ${t.refId}`).not.toBe('');
        expect(t.datasource?.uid ?? datasource?.uid, `${p.title} ${t.refId}`).toBe(datasource?.uid);
      }
    }
  });

  it('when it is laid out, then panels have unique ids and fit the 24-column grid without overlapping', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const cells = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          expect(cells.has(`${i},${j}`), `${p.title} overlaps at ${i},${j}`).toBe(false);
          cells.add(`${i},${j}`);
        }
      }
    }
  });

  it('when an operator opens it, then it shows rate, errors, latency percentiles, saturation, breakers, queue and cache', () => {
    const all = dataPanels.flatMap((p) => (p.targets ?? []).map((t) => t.expr)).join('\n');
    expect(all).toMatch(/rate\(http_server_request_duration_seconds_count\{[^}]*\}\[/);
    expect(all).toMatch(/status=~"5\.\."/);
    for (const q of ['0.5', '0.95', '0.99']) {
      expect(all).toMatch(
        new RegExp(
          `histogram_quantile\\(${q.replace('.', '\\.')}, sum by \\(le, [^)]*route[^)]*\\) \\(rate\\(http_server_request_duration_seconds_bucket`,
        ),
      );
    }
    for (const metric of [
      'nodejs_eventloop_lag_p99_seconds',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'skico_breaker_state',
      'skico_queue_depth',
      'skico_dead_letters',
      'skico_cache_requests_total',
    ]) {
      expect(all).toContain(metric);
    }
  });
});

describe('metric names of the dashboard and the alert rules', () => {
  it('when a panel or rule reads a series, then it is an expected metric or a recorded rule', () => {
    for (const { from, expr } of expressions()) {
      for (const series of promqlNames(expr).series) {
        if (series.includes(':')) expect([...recorded], `${from} reads ${series}`).toContain(series);
        else expect(metricOf(series), `${from} reads ${series}: add it to expected-metrics.ts`).toBeDefined();
      }
    }
  });

  it('when a panel or rule selects or groups by a label, then a metric it reads has that label', () => {
    for (const { from, expr } of expressions()) {
      const { series, labels } = promqlNames(expr);
      const known = new Set([...commonLabels, ...series.flatMap((s) => metricOf(s)?.labels ?? [])]);
      for (const label of labels) expect([...known], `${from} uses label ${label}`).toContain(label);
    }
  });

  it('when a metric is listed as expected, then a panel or a rule reads it', () => {
    const read = new Set(
      expressions()
        .flatMap(({ expr }) => promqlNames(expr).series)
        .map((s) => metricOf(s)?.name),
    );
    for (const m of expectedMetrics) expect(read.has(m.name), `${m.name} is read by nothing`).toBe(true);
  });

  it('when the reader lexes PromQL, then it finds series and labels, not functions, keywords or durations', () => {
    expect(
      promqlNames(
        'histogram_quantile(0.99, sum by (le, route) (rate(x_bucket{service=~"$service",status="5.."}[$__rate_interval]))) / on (route) group_left y > bool 1e3 and z offset 5m',
      ),
    ).toEqual({ series: ['x_bucket', 'y', 'z'], labels: ['service', 'status', 'le', 'route'] });
  });
});
