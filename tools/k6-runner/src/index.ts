export { parseDuration } from './duration.ts';
export { parseOptions, type RunPlan, type ScenarioPlan } from './options.ts';
export type { CheckResult, CountedError, MetricSummary, RunResult } from './run-result.ts';
export { type RunOptions, readOptions, runScript } from './run-script.ts';
export { formatSummary } from './summary.ts';
export { type ParsedThreshold, parseThreshold, type ThresholdResult } from './thresholds.ts';
