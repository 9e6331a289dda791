import type { LoadReport, RunResult } from './report.ts';

/** One line of the summary, already formatted: the same rows feed the terminal table and the HTML page. */
export interface FigureRow {
  name: string;
  system: string;
  baseline: string;
  ratio: string;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(2));
const times = (r: number | undefined) => (r === undefined || Number.isNaN(r) ? '–' : `${r.toFixed(2)}×`);
const counts = (c: Record<string, number>) =>
  Object.entries(c)
    .map(([code, n]) => `${code}: ${int(n)}`)
    .join(', ');

export function figureRows(report: LoadReport): FigureRow[] {
  const { system: s, baseline: b, ratios: q } = report;
  const row = (name: string, f: (r: RunResult) => string, ratio?: number): FigureRow => ({
    name,
    system: f(s),
    baseline: b ? f(b) : '–',
    ratio: times(ratio),
  });
  return [
    row('requests', (r) => int(r.requests)),
    row('duration (s)', (r) => r.elapsedS.toFixed(1)),
    row('throughput (req/s)', (r) => int(r.throughput), q?.throughput),
    row('latency mean (ms)', (r) => ms(r.latencyMs.mean), q?.mean),
    row('latency p50 (ms)', (r) => ms(r.latencyMs.p50), q?.p50),
    row('latency p95 (ms)', (r) => ms(r.latencyMs.p95), q?.p95),
    row('latency p99 (ms)', (r) => ms(r.latencyMs.p99), q?.p99),
    row('latency max (ms)', (r) => ms(r.latencyMs.max), q?.max),
    row('errors', (r) => int(r.errors)),
    row('retries', (r) => int(r.retries)),
    ...(s.retries + (b?.retries ?? 0) > 0 ? [row('retried on', (r) => counts(r.retriedStatuses) || '–')] : []),
    ...(report.config.model === 'open' ? [row('dropped arrivals', (r) => int(r.dropped))] : []),
    row('statuses', (r) => counts(r.statuses)),
  ];
}

/** One sentence on the drain check, or undefined when there was none. */
export function drainSentence(report: LoadReport): string | undefined {
  const d = report.drain;
  if (!d) return undefined;
  const seen = `${int(d.found)} of ${int(d.expected)} distinct accepted rides found in Postgres`;
  if (!d.drained) return `NOT drained: ${seen} when the drain timeout (${report.config.drainTimeoutS} s) ran out`;
  const end = ((d.fromEndMs ?? 0) / 1000).toFixed(2);
  const start = ((d.fromStartMs ?? 0) / 1000).toFixed(1);
  return `drained: ${seen}, ${end} s after the load ended (${start} s after it started)`;
}

/** The figures as an aligned plain-text table for the terminal. */
export function summaryTable(report: LoadReport): string {
  const rows = [{ name: '', system: 'system', baseline: 'baseline', ratio: 'ratio' }, ...figureRows(report)];
  const width = (k: keyof FigureRow) => Math.max(...rows.map((r) => r[k].length));
  const [wn, ws, wb] = [width('name'), width('system'), width('baseline')];
  const lines = rows.map(
    (r) => `${r.name.padEnd(wn)}  ${r.system.padStart(ws)}  ${r.baseline.padStart(wb)}  ${r.ratio.padStart(6)}`,
  );
  const drain = drainSentence(report);
  return [...lines, ...(drain ? ['', drain] : [])].join('\n');
}

/** CPU per request and peak memory by process, for the system and the baseline runs, heaviest first. */
export function usageRows(report: LoadReport): { name: string; cpu: string; writes: string; rss: string }[] {
  const rows: { name: string; cpu: string; writes: string; rss: string }[] = [];
  for (const [label, list] of [
    ['system', report.usage?.system],
    ['baseline', report.usage?.baseline],
  ] as const) {
    if (!list || list.length === 0) continue;
    const total = list.reduce((sum, u) => sum + u.cpuMsPerRequest, 0);
    for (const u of list) {
      rows.push({
        name: `${label}: ${u.name}`,
        cpu: u.cpuMsPerRequest.toFixed(3),
        // Reports written before the count was kept have none; Postgres answers with send(), which the
        // kernel does not count among writes.
        writes: u.writesPerRequest === undefined || u.name === 'postgres' ? '–' : u.writesPerRequest.toFixed(2),
        rss: u.name === 'postgres' || u.name === 'rabbitmq' || u.name === 'redis' ? '–' : String(u.peakRssMb),
      });
    }
    rows.push({ name: `${label}: all of the above`, cpu: total.toFixed(3), writes: '', rss: '' });
  }
  return rows;
}

/** The usage rows as an aligned plain-text table, or undefined when nothing was sampled. */
export function usageTable(report: LoadReport): string | undefined {
  const rows = usageRows(report);
  if (rows.length === 0) return undefined;
  const all = [{ name: 'by process', cpu: 'CPU ms/request', writes: 'writes/request', rss: 'peak RSS MB' }, ...rows];
  const wn = Math.max(...all.map((r) => r.name.length));
  const wc = Math.max(...all.map((r) => r.cpu.length));
  return all
    .map((r) => `${r.name.padEnd(wn)}  ${r.cpu.padStart(wc)}  ${r.writes.padStart(14)}  ${r.rss.padStart(11)}`)
    .join('\n');
}
