/** The metric types the scripts use; k6's Gauge is not provided, so a script importing it fails. */
export type MetricType = 'counter' | 'rate' | 'trend';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  /** A time trend: values are milliseconds. */
  isTime: boolean;
}

/** The aggregates a threshold or the summary can read; which exist depends on the type, as in k6. */
export interface MetricValues {
  count?: number;
  rate?: number;
  avg?: number;
  min?: number;
  max?: number;
  med?: number;
  percentile?: (p: number) => number;
}

export interface Metric extends MetricDefinition {
  add(value: number): void;
  /** Samples added so far. */
  samples(): number;
  /** The aggregates, with `rate` of a counter per second over `elapsedSeconds`. */
  values(elapsedSeconds: number): MetricValues;
}

/** The built-in metrics the runner emits, named and typed as k6 names and types them. */
const BUILTIN_METRICS: readonly MetricDefinition[] = [
  { name: 'http_reqs', type: 'counter', isTime: false },
  { name: 'http_req_duration', type: 'trend', isTime: true },
  { name: 'http_req_failed', type: 'rate', isTime: false },
  { name: 'checks', type: 'rate', isTime: false },
  { name: 'iterations', type: 'counter', isTime: false },
  { name: 'iteration_duration', type: 'trend', isTime: true },
  { name: 'dropped_iterations', type: 'counter', isTime: false },
];

/** The p-th percentile (0..100) of sorted values, interpolating linearly between ranks as k6 does. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = (p / 100) * (sorted.length - 1);
  const lower = sorted[Math.floor(rank)] as number;
  const upper = sorted[Math.ceil(rank)] as number;
  return lower + (upper - lower) * (rank - Math.floor(rank));
}

function createMetric(def: MetricDefinition): Metric {
  let count = 0;
  let sum = 0;
  let nonZero = 0;
  const trend: number[] = [];
  let sorted = true;
  return {
    ...def,
    add(value) {
      count++;
      sum += value;
      if (value !== 0) nonZero++;
      if (def.type === 'trend') {
        if (trend.length > 0 && value < (trend[trend.length - 1] as number)) sorted = false;
        trend.push(value);
      }
    },
    samples: () => count,
    values(elapsedSeconds) {
      if (def.type === 'counter') return { count: sum, rate: elapsedSeconds > 0 ? sum / elapsedSeconds : 0 };
      if (def.type === 'rate') return { rate: count > 0 ? nonZero / count : 0 };
      if (!sorted) {
        trend.sort((a, b) => a - b);
        sorted = true;
      }
      return {
        count,
        avg: count > 0 ? sum / count : 0,
        min: trend[0] ?? 0,
        max: trend[trend.length - 1] ?? 0,
        med: percentile(trend, 50),
        percentile: (p) => percentile(trend, p),
      };
    },
  };
}

/** The metrics of one run: built-ins from the start, custom ones as the scripts' init contexts declare them. */
export function createMetricRegistry() {
  const metrics = new Map<string, Metric>();
  const define = (def: MetricDefinition): Metric => {
    const existing = metrics.get(def.name);
    if (existing) {
      if (existing.type !== def.type || existing.isTime !== def.isTime) {
        throw new Error(
          `k6-runner: metric ${def.name} is declared as ${def.type}${def.isTime ? ' (time)' : ''} but is already a ` +
            `${existing.type}${existing.isTime ? ' (time)' : ''}`,
        );
      }
      return existing;
    }
    const metric = createMetric(def);
    metrics.set(def.name, metric);
    return metric;
  };
  for (const def of BUILTIN_METRICS) define(def);
  return {
    define,
    get: (name: string) => metrics.get(name),
    /** @throws when the metric was never declared: a sample must not vanish into a typo. */
    add(name: string, value: number) {
      const metric = metrics.get(name);
      if (!metric) throw new Error(`k6-runner: sample for undeclared metric ${name}`);
      metric.add(value);
    },
    all: () => [...metrics.values()],
  };
}

export type MetricRegistry = ReturnType<typeof createMetricRegistry>;
