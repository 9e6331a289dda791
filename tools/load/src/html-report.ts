import { drainSentence, figureRows, usageRows } from './figures.ts';
import type { LoadReport, RunResult } from './report.ts';
import { escapeHtml as e, type LineSeries, lineChart, stackedBars } from './svg-charts.ts';

const colors = { system: '#1f6feb', baseline: '#8b949e', p50: '#2da44e', p95: '#d29922', p99: '#cf222e' };

function statusColor(code: string): string {
  if (code.startsWith('2')) return '#2da44e';
  if (code.startsWith('3')) return '#1f6feb';
  if (code === '429') return '#bf8700';
  if (code.startsWith('4')) return '#d29922';
  if (code.startsWith('5')) return '#cf222e';
  return '#57606a';
}

const line = (name: string, color: string, r: RunResult, f: (s: RunResult['series'][number]) => number) =>
  ({ name, color, points: r.series.map((s) => [s.t + 0.5, f(s)]) }) as LineSeries;

function charts(report: LoadReport): string[] {
  const { system, baseline } = report;
  const throughput = [line('system', colors.system, system, (s) => s.rps)];
  const latency = (['p50', 'p95', 'p99'] as const).map((p) => line(`system ${p}`, colors[p], system, (s) => s[p]));
  if (baseline) {
    throughput.push({ ...line('baseline', colors.baseline, baseline, (s) => s.rps), dashed: true });
    latency.push({ ...line('baseline p99', colors.baseline, baseline, (s) => s.p99), dashed: true });
  }
  const rows = [system, ...(baseline ? [baseline] : [])].map((r) => ({
    label: r.label,
    segments: Object.entries(r.statuses).map(([code, value]) => ({ name: code, value, color: statusColor(code) })),
  }));
  return [
    lineChart({ title: 'Throughput per second', xLabel: 'seconds into the run', yLabel: 'req/s', series: throughput }),
    lineChart({
      title: 'Latency percentiles per second',
      xLabel: 'seconds into the run',
      yLabel: 'ms',
      series: latency,
    }),
    stackedBars({ title: 'Final status of every request', rows }),
  ];
}

const style = `body{font:14px/1.45 system-ui,sans-serif;max-width:820px;margin:24px auto;padding:0 16px;color:#1f2328}
table{border-collapse:collapse;margin:12px 0}td,th{padding:3px 10px;border-bottom:1px solid #d0d7de;text-align:right}
td:first-child,th:first-child{text-align:left}svg{width:100%;height:auto;margin:12px 0}
svg text{font-size:11px;fill:#57606a}svg .title{font-size:13px;font-weight:600;fill:#1f2328}
svg .on-bar{fill:#fff}svg .grid{stroke:#eaeef2}.note{color:#57606a}`;

/** The report as one self-contained HTML page: inline CSS and SVG, no script, nothing fetched. */
export function renderHtml(report: LoadReport): string {
  const c = report.config;
  const rows = figureRows(report)
    .map((r) => `<tr><td>${e(r.name)}</td><td>${e(r.system)}</td><td>${e(r.baseline)}</td><td>${e(r.ratio)}</td></tr>`)
    .join('');
  const m = report.machine;
  const bound = c.durationS ? `${c.durationS} s` : `${(c.requests ?? 0).toLocaleString('en-US')} requests`;
  const load = c.model === 'open' ? `open model at ${c.rate} req/s` : `closed model, ${c.clients} clients`;
  const drain = drainSentence(report);
  const usage = usageRows(report)
    .map((r) => `<tr><td>${e(r.name)}</td><td>${e(r.cpu)}</td><td>${e(r.writes)}</td><td>${e(r.rss)}</td></tr>`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Skico load report ${e(report.createdAt)}</title>
<style>${style}</style></head><body>
<h1>Skico load report</h1>
<p>${e(c.workload)} workload, ${e(bound)}, ${e(load)}, against ${e(c.target)}; seed ${c.seed}; ${e(report.createdAt)}.</p>
<p class="note">${m.cpus} × ${e(m.cpuModel)}, ${m.memoryMb} MB, Node ${e(m.node)}, ${e(m.platform)};
load average ${m.loadavg.map((l) => l.toFixed(2)).join(' / ')} at the end.
Ratios are system ÷ baseline (a bare two-hop Node proxy and server measured in the same run):
throughput below 1× and latency above 1× is what the system costs on this machine.</p>
<table><tr><th></th><th>system</th><th>baseline</th><th>ratio</th></tr>${rows}</table>
${drain ? `<p><strong>${e(drain)}</strong></p>` : ''}
${usage ? `<h2>Where the CPU went</h2><p class="note">CPU time and write system calls per completed request and the highest resident memory seen, by process (RabbitMQ and Redis serve the whole machine, and Postgres too: with its own system the tool counts only the backends of that system's database; their memory is not theirs to this run alone).</p><table><tr><th>process</th><th>CPU ms/request</th><th>writes/request</th><th>peak RSS MB</th></tr>${usage}</table>` : ''}
${charts(report).join('\n')}
</body></html>
`;
}
