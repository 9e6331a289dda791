import { parseDuration } from './duration.ts';
import { type ParsedThreshold, parseThreshold } from './thresholds.ts';

interface Common {
  name: string;
  /** The exported function each iteration runs. */
  exec: string;
  gracefulStopMs: number;
}

export type ScenarioPlan = Common &
  (
    | { executor: 'per-vu-iterations'; vus: number; iterations: number; maxDurationMs: number }
    | { executor: 'constant-vus'; vus: number; durationMs: number }
    | {
        executor: 'ramping-vus';
        startVUs: number;
        stages: { durationMs: number; target: number }[];
        gracefulRampDownMs: number;
      }
    | {
        executor: 'constant-arrival-rate';
        rate: number;
        timeUnitMs: number;
        durationMs: number;
        preAllocatedVUs: number;
        maxVUs: number;
      }
  );

export interface ThresholdPlan {
  metric: string;
  thresholds: ParsedThreshold[];
}

export interface RunPlan {
  scenarios: ScenarioPlan[];
  thresholds: ThresholdPlan[];
}

type Raw = Record<string, unknown>;

function record(value: unknown, where: string): Raw {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`k6-runner: ${where} must be an object`);
  }
  return value as Raw;
}

/** @throws on any key outside `known`: an option the runner would otherwise silently ignore. */
function onlyKeys(raw: Raw, known: readonly string[], where: string): void {
  for (const key of Object.keys(raw)) {
    if (!known.includes(key)) throw new Error(`k6-runner does not implement the option ${where}.${key}`);
  }
}

function whole(raw: Raw, key: string, where: string, fallback: number | undefined, min: number): number {
  const value = raw[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`k6-runner: ${where}.${key} must be a whole number >= ${min}, not ${JSON.stringify(value)}`);
  }
  return value;
}

const duration = (raw: Raw, key: string, where: string, fallback?: string) =>
  parseDuration(raw[key] ?? fallback, `${where}.${key}`);

const COMMON = ['executor', 'exec', 'gracefulStop'];

function parseScenario(name: string, value: unknown): ScenarioPlan {
  const where = `scenarios.${name}`;
  const raw = record(value, where);
  const exec = raw.exec ?? 'default';
  if (typeof exec !== 'string') throw new Error(`k6-runner: ${where}.exec must be a function name`);
  const common = { name, exec, gracefulStopMs: duration(raw, 'gracefulStop', where, '30s') };
  switch (raw.executor) {
    case 'per-vu-iterations':
      onlyKeys(raw, [...COMMON, 'vus', 'iterations', 'maxDuration'], where);
      return {
        ...common,
        executor: raw.executor,
        vus: whole(raw, 'vus', where, 1, 1),
        iterations: whole(raw, 'iterations', where, 1, 1),
        maxDurationMs: duration(raw, 'maxDuration', where, '10m'),
      };
    case 'constant-vus':
      onlyKeys(raw, [...COMMON, 'vus', 'duration'], where);
      return {
        ...common,
        executor: raw.executor,
        vus: whole(raw, 'vus', where, 1, 1),
        durationMs: duration(raw, 'duration', where),
      };
    case 'ramping-vus': {
      onlyKeys(raw, [...COMMON, 'startVUs', 'stages', 'gracefulRampDown'], where);
      if (!Array.isArray(raw.stages) || raw.stages.length === 0) {
        throw new Error(`k6-runner: ${where}.stages must be a non-empty list`);
      }
      const stages = raw.stages.map((stage: unknown, i) => {
        const s = record(stage, `${where}.stages[${i}]`);
        onlyKeys(s, ['duration', 'target'], `${where}.stages[${i}]`);
        return {
          durationMs: duration(s, 'duration', `${where}.stages[${i}]`),
          target: whole(s, 'target', where, 0, 0),
        };
      });
      return {
        ...common,
        executor: raw.executor,
        startVUs: whole(raw, 'startVUs', where, 1, 0),
        stages,
        gracefulRampDownMs: duration(raw, 'gracefulRampDown', where, '30s'),
      };
    }
    case 'constant-arrival-rate': {
      onlyKeys(raw, [...COMMON, 'rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'], where);
      const preAllocatedVUs = whole(raw, 'preAllocatedVUs', where, undefined, 0);
      return {
        ...common,
        executor: raw.executor,
        rate: whole(raw, 'rate', where, undefined, 1),
        timeUnitMs: duration(raw, 'timeUnit', where, '1s'),
        durationMs: duration(raw, 'duration', where),
        preAllocatedVUs,
        maxVUs: whole(raw, 'maxVUs', where, preAllocatedVUs, Math.max(1, preAllocatedVUs)),
      };
    }
    default:
      throw new Error(`k6-runner does not implement the executor ${JSON.stringify(raw.executor)} (${where})`);
  }
}

function parseThresholds(value: unknown): ThresholdPlan[] {
  if (value === undefined) return [];
  return Object.entries(record(value, 'thresholds')).map(([metric, list]) => {
    if (metric.includes('{')) throw new Error(`k6-runner does not implement thresholds on sub-metrics (${metric})`);
    if (!Array.isArray(list)) throw new Error(`k6-runner: thresholds.${metric} must be a list`);
    return {
      metric,
      thresholds: list.map((t: unknown) => {
        if (typeof t !== 'string') throw new Error(`k6-runner does not implement threshold objects (${metric})`);
        return parseThreshold(t);
      }),
    };
  });
}

/**
 * Validates a script's exported `options` into what the runner will do.
 * @throws on every option, executor or threshold it does not implement: it never runs a script it does
 * not understand.
 */
export function parseOptions(options: unknown): RunPlan {
  const raw = record(options ?? {}, 'options');
  onlyKeys(raw, ['scenarios', 'thresholds'], 'options');
  if (raw.scenarios === undefined)
    throw new Error('k6-runner needs options.scenarios (shortcut options are outside the supported subset)');
  const scenarios = Object.entries(record(raw.scenarios, 'scenarios')).map(([name, s]) => parseScenario(name, s));
  if (scenarios.length === 0) throw new Error('k6-runner: options.scenarios is empty');
  return { scenarios, thresholds: parseThresholds(raw.thresholds) };
}
