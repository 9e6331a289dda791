import { cpus, loadavg, totalmem } from 'node:os';
import type { DrainResult } from './drain.ts';
import type { LiftRideCounts } from './lift-ride-counts.ts';
import type { LatencySummary } from './percentiles.ts';
import type { ProcessUsage } from './process-usage.ts';
import type { SecondSample } from './recorder.ts';
import type { LoadModel, RunState } from './run-load.ts';
import type { WorkloadName } from './workloads.ts';

/** Everything a run was asked to do, as saved with its results. */
export interface LoadConfig {
  target: string;
  workload: WorkloadName;
  /** Requests per run (system and baseline alike); with durationS, whichever ends first. */
  requests?: number;
  durationS?: number;
  clients: number;
  model: LoadModel;
  rate?: number;
  baseline: boolean;
  drain: boolean;
  drainTimeoutS: number;
  seed: number;
  timeoutMs: number;
  /** Unrecorded requests sent to each target before its measured run. */
  warmup: number;
  startStack: boolean;
}

/** The figures of one run against one target. */
export interface RunResult {
  label: 'system' | 'baseline';
  target: string;
  requests: number;
  elapsedS: number;
  /** Completed requests per second over the whole run. */
  throughput: number;
  latencyMs: LatencySummary;
  statuses: Record<string, number>;
  /** Requests whose final answer was not an expected status, or no answer at all. */
  errors: number;
  retries: number;
  /** Retried attempts by the status that caused the retry. */
  retriedStatuses: Record<string, number>;
  /** Open model only: arrivals not sent because too many were in flight. */
  dropped: number;
  series: SecondSample[];
}

/** System divided by baseline: a throughput ratio below 1 and latency ratios above 1 are the system's cost. */
export interface Ratios {
  throughput: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  tool: '@skico/load';
  createdAt: string;
  config: LoadConfig;
  machine: { cpus: number; cpuModel: string; memoryMb: number; node: string; platform: string; loadavg: number[] };
  system: RunResult;
  baseline: RunResult | null;
  ratios: Ratios | null;
  drain: DrainResult | null;
  /** CPU and memory by process during each run (Linux only; empty lists elsewhere). */
  usage?: { system: ProcessUsage[]; baseline: ProcessUsage[] | null };
  /** The lift-ride API's cache lookups and confirmed messages during the system run, when the tool started the system. */
  liftRide?: LiftRideCounts;
}

export function toRunResult(label: RunResult['label'], target: string, state: RunState): RunResult {
  const { recorder } = state;
  return {
    label,
    target,
    requests: recorder.count,
    elapsedS: state.elapsedMs / 1000,
    throughput: (recorder.count * 1000) / Math.max(1, state.elapsedMs),
    latencyMs: recorder.summary(),
    statuses: recorder.statuses(),
    errors: recorder.errors(),
    retries: state.retries,
    retriedStatuses: state.retriedStatuses,
    dropped: state.dropped,
    series: recorder.series(state.elapsedMs),
  };
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.NaN);

export function ratios(system: RunResult, baseline: RunResult): Ratios {
  const s = system.latencyMs;
  const b = baseline.latencyMs;
  return {
    throughput: ratio(system.throughput, baseline.throughput),
    mean: ratio(s.mean, b.mean),
    p50: ratio(s.p50, b.p50),
    p95: ratio(s.p95, b.p95),
    p99: ratio(s.p99, b.p99),
    max: ratio(s.max, b.max),
  };
}

export function machineInfo(): LoadReport['machine'] {
  const list = cpus();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model ?? 'unknown',
    memoryMb: Math.round(totalmem() / 2 ** 20),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadavg: loadavg(),
  };
}
