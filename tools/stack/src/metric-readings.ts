// What the series a dashboard query reads hold in one scrape of the processes' /metrics: the raw numbers
// behind a panel, not the query's result. Rates and quantiles need Prometheus and a history; a single scrape
// only has counter totals since start, current gauges, and each histogram's count and sum.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One scrape of one or more processes: every sample, and the metric types their `# TYPE` lines declare. */
export interface Scrape {
  samples: Sample[];
  types: Map<string, string>;
}

export interface Matcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

/** What one series selector of a query holds now, summed over the series that match it. */
export interface Reading {
  /** The selector as read, Grafana variables replaced. */
  selector: string;
  /** `absent` when no process exposes a matching series. */
  kind: 'counter' | 'gauge' | 'histogram' | 'absent';
  /** Why it is absent, or what the figures mean. */
  note: string;
  /** The figures per group of the query's `by (…)` labels, largest first. */
  groups: { group: string; figure: string }[];
}

const labelPair = /([a-zA-Z_]\w*)\s*=\s*"((?:[^"\\]|\\.)*)"/g;
const unescapeLabel = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Parses the Prometheus text exposition format (the `/metrics` answer of every process). */
export function parseExposition(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^#\s*TYPE\s+(\S+)\s+(\S+)/.exec(line);
    if (type?.[1] && type[2]) types.set(type[1], type[2]);
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!sample?.[1] || sample[3] === undefined) continue;
    const labels: Record<string, string> = {};
    for (const [, name, value] of (sample[2] ?? '').matchAll(labelPair))
      if (name) labels[name] = unescapeLabel(value ?? '');
    samples.push({ name: sample[1], labels, value: Number(sample[3]) });
  }
  return { samples, types };
}

const keywords = new Set([
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'inf',
  'nan',
]);
const groupingClause = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;

/**
 * The series selectors of a PromQL expression, found lexically: enough for this repository's dashboards
 * (no braces inside label values, no strings outside matchers), not a PromQL parser.
 */
export function vectorSelectors(expr: string): Selector[] {
  const matcherLists: Matcher[][] = [];
  let rest = expr.replace(/\{([^}]*)\}/g, (_, body: string) => {
    const matchers = [...body.matchAll(/([a-zA-Z_]\w*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)].map(
      ([, label, op, value]) => ({ label: label ?? '', op: op as Matcher['op'], value: unescapeLabel(value ?? '') }),
    );
    matcherLists.push(matchers);
    return `{${matcherLists.length - 1}}`;
  });
  // Strings left outside matchers (label_replace's arguments) name no series.
  rest = rest.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, ' ');
  rest = rest.replace(/\[[^\]]*\]/g, ' ').replace(groupingClause, ' ');
  const selectors: Selector[] = [];
  for (const m of rest.matchAll(/([a-zA-Z_:][\w:]*)?\s*(?:\{(\d+)\})?/g)) {
    const [text, name, list] = m;
    if (!text.trim()) continue;
    const before = rest[(m.index ?? 0) - 1] ?? ' ';
    const after = rest.slice((m.index ?? 0) + text.length);
    if (name && (/^\s*\(/.test(after) || keywords.has(name.toLowerCase()) || /[\d.$]/.test(before))) continue;
    const matchers = list === undefined ? [] : (matcherLists[Number(list)] ?? []);
    const nameMatcher = matchers.find((x) => x.label === '__name__' && x.op === '=');
    const metric = name ?? nameMatcher?.value;
    if (metric) selectors.push({ metric, matchers: matchers.filter((x) => x !== nameMatcher) });
  }
  return selectors;
}

/**
 * The series and label names an expression reads: every selector's metric, and the labels of its matchers
 * and of its by/without/on/ignoring/group_* clauses.
 */
export function promqlNames(expr: string): { series: string[]; labels: string[] } {
  const selectors = vectorSelectors(expr);
  const labels = new Set(selectors.flatMap((s) => s.matchers.map((m) => m.label)));
  for (const [, list] of expr.matchAll(groupingClause)) {
    for (const label of (list ?? '').split(',').map((l) => l.trim())) if (label) labels.add(label);
  }
  return { series: [...new Set(selectors.map((s) => s.metric))], labels: [...labels] };
}

/** The labels of the expression's `by (…)` clauses, without `le` (the histogram buckets). */
export function groupingLabels(expr: string): string[] {
  const labels = new Set<string>();
  for (const [, list] of expr.matchAll(/\bby\s*\(([^)]*)\)/g)) {
    for (const label of (list ?? '').split(',').map((l) => l.trim())) if (label && label !== 'le') labels.add(label);
  }
  return [...labels];
}

function matches(sample: Sample, matchers: Matcher[]): boolean {
  return matchers.every(({ label, op, value }) => {
    // PromQL: a missing label is the empty string; regular expressions are anchored.
    const actual = sample.labels[label] ?? '';
    if (op === '=') return actual === value;
    if (op === '!=') return actual !== value;
    const full = new RegExp(`^(?:${value})$`).test(actual);
    return op === '=~' ? full : !full;
  });
}

/** A number for a reader, by the metric's unit suffix (Prometheus naming: `_seconds`, `_bytes`). */
export function formatFigure(metric: string, value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (/_bytes(_total)?$/.test(metric)) return `${(value / 2 ** 20).toFixed(1)} MiB`;
  if (/_seconds(_total)?$/.test(metric)) return value < 1 ? `${(value * 1000).toFixed(1)} ms` : `${value.toFixed(2)} s`;
  return Number.isInteger(value) ? value.toLocaleString('en') : value.toFixed(2);
}

const selectorText = ({ metric, matchers }: Selector) =>
  matchers.length === 0
    ? metric
    : `${metric}{${matchers.map((m) => `${m.label}${m.op}${JSON.stringify(m.value)}`).join(',')}}`;

/** Sums `value(sample)` per group of `labels`, largest first. */
function sumByGroup(samples: Sample[], labels: string[], value: (s: Sample) => number) {
  const sums = new Map<string, number>();
  for (const s of samples) {
    const group =
      labels
        .map((l) => s.labels[l] ?? '')
        .filter(Boolean)
        .join(' ') || 'all';
    sums.set(group, (sums.get(group) ?? 0) + value(s));
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}

function readSelector(scrape: Scrape, selector: Selector, by: string[]): Reading {
  const histogram = /_bucket$/.test(selector.metric) ? selector.metric.replace(/_bucket$/, '') : undefined;
  const counted = histogram ? `${histogram}_count` : selector.metric;
  const matchers = selector.matchers.filter((m) => !(histogram && m.label === 'le'));
  const found = scrape.samples.filter((s) => s.name === counted && matches(s, matchers));
  const base = { selector: selectorText(selector) };
  if (found.length === 0) {
    const note =
      selector.metric.includes(':') || selector.metric === 'ALERTS'
        ? 'computed by Prometheus (rules, alerts): not on /metrics'
        : 'no series on /metrics yet';
    return { ...base, kind: 'absent', note, groups: [] };
  }
  if (histogram) {
    const sums = new Map(
      sumByGroup(
        scrape.samples.filter((s) => s.name === `${histogram}_sum` && matches(s, matchers)),
        by,
        (s) => s.value,
      ),
    );
    const groups = sumByGroup(found, by, (s) => s.value).map(([group, count]) => ({
      group,
      figure: `${formatFigure('', count)} × mean ${formatFigure(histogram, (sums.get(group) ?? 0) / (count || 1))}`,
    }));
    return { ...base, kind: 'histogram', note: 'observations since start × their mean', groups };
  }
  const type =
    scrape.types.get(selector.metric) ?? scrape.types.get(selector.metric.replace(/_(count|sum|total)$/, ''));
  const kind = type === 'gauge' ? 'gauge' : 'counter';
  const groups = sumByGroup(found, by, (s) => s.value).map(([group, v]) => ({
    group,
    figure: formatFigure(selector.metric, v),
  }));
  return { ...base, kind, note: kind === 'gauge' ? 'now' : 'total since start', groups };
}

/**
 * What every series selector of `expr` holds in `scrape`, grouped by the query's `by (…)` labels. Grafana
 * variables (`$service`) are replaced by `variables` first.
 */
export function readQuery(scrape: Scrape, expr: string, variables: Record<string, string> = {}): Reading[] {
  const resolved = expr.replace(/\$\{?(\w+)\}?/g, (whole, name: string) => variables[name] ?? whole);
  const by = groupingLabels(resolved);
  return vectorSelectors(resolved).map((selector) => readSelector(scrape, selector, by));
}
