import type { MetricRegistry, MetricType } from './metrics.ts';
import type { RunPlan } from './options.ts';
import { evaluateThreshold, type ThresholdResult } from './thresholds.ts';
import type { IterationEnd } from './vu-thread.ts';

export interface CheckResult {
  name: string;
  passes: number;
  fails: number;
}

/** Something that went wrong, counted once per distinct message with one example. */
export interface CountedError {
  message: string;
  count: number;
  example?: string;
}

export interface MetricSummary {
  name: string;
  type: MetricType;
  isTime: boolean;
  samples: number;
  /** count and rate for counters; rate for rates; avg, min, med, max, p(90), p(95), p(99) for trends. */
  values: Record<string, number>;
}

export interface RunResult {
  script: string;
  /** Every threshold held: k6 would exit 0 rather than 99. */
  passed: boolean;
  thresholds: ThresholdResult[];
  checks: CheckResult[];
  metrics: MetricSummary[];
  /** Exceptions that ended iterations (k6 logs them and goes on). */
  iterationErrors: CountedError[];
  /** Requests that got no answer (status 0): connection errors and timeouts. */
  requestErrors: CountedError[];
  iterations: { completed: number; interrupted: number };
  elapsedSeconds: number;
}

function counter() {
  const counts = new Map<string, CountedError>();
  return {
    add(message: string, example?: string) {
      const entry = counts.get(message) ?? { message, count: 0, ...(example ? { example } : {}) };
      entry.count++;
      counts.set(message, entry);
    },
    list: () => [...counts.values()],
  };
}

/** What the run counts besides metrics: per-check results, errors, interrupted iterations. */
export function createTally() {
  const checks = new Map<string, CheckResult>();
  const iterationErrors = counter();
  const requestErrors = counter();
  const iterations = { completed: 0, interrupted: 0 };
  return {
    iterations,
    checks: () => [...checks.values()],
    iterationErrors: iterationErrors.list,
    requestErrors: requestErrors.list,
    requestError: (error: string, request: string) => requestErrors.add(error, request),
    iteration(end: IterationEnd, metrics: MetricRegistry) {
      if (end.type === 'interrupted') return void iterations.interrupted++;
      iterations.completed++;
      metrics.add('iterations', 1);
      metrics.add('iteration_duration', end.durationMs);
      for (const [name, value] of end.samples) metrics.add(name, value);
      for (const [name, passed] of end.checks) {
        metrics.add('checks', passed ? 1 : 0);
        const entry = checks.get(name) ?? { name, passes: 0, fails: 0 };
        if (passed) entry.passes++;
        else entry.fails++;
        checks.set(name, entry);
      }
      if (end.error) iterationErrors.add(end.error.split('\n')[0] as string, end.error);
    },
  };
}

export type Tally = ReturnType<typeof createTally>;

function summarize(metrics: MetricRegistry, elapsedSeconds: number): MetricSummary[] {
  return metrics
    .all()
    .filter((m) => m.samples() > 0)
    .map((m) => {
      const v = m.values(elapsedSeconds);
      const values: Record<string, number> =
        m.type === 'trend'
          ? {
              avg: v.avg ?? 0,
              min: v.min ?? 0,
              med: v.med ?? 0,
              max: v.max ?? 0,
              'p(90)': v.percentile?.(90) ?? 0,
              'p(95)': v.percentile?.(95) ?? 0,
              'p(99)': v.percentile?.(99) ?? 0,
            }
          : m.type === 'counter'
            ? { count: v.count ?? 0, rate: v.rate ?? 0 }
            : { rate: v.rate ?? 0 };
      return { name: m.name, type: m.type, isTime: m.isTime, samples: m.samples(), values };
    });
}

/** The end-of-test report: every threshold evaluated, every check counted. */
export function buildResult(input: {
  script: string;
  plan: RunPlan;
  metrics: MetricRegistry;
  tally: Tally;
  elapsedSeconds: number;
}): RunResult {
  const { plan, metrics, tally, elapsedSeconds } = input;
  const thresholds = plan.thresholds.flatMap(({ metric, thresholds: list }) =>
    list.map((t) => {
      const found = metrics.get(metric);
      if (!found) throw new Error(`k6-runner: metric ${metric} vanished`);
      return evaluateThreshold(t, found, elapsedSeconds);
    }),
  );
  return {
    script: input.script,
    passed: thresholds.every((t) => t.ok),
    thresholds,
    checks: tally.checks(),
    metrics: summarize(metrics, elapsedSeconds),
    iterationErrors: tally.iterationErrors(),
    requestErrors: tally.requestErrors(),
    iterations: { ...tally.iterations },
    elapsedSeconds,
  };
}
