import { performance } from 'node:perf_hooks';
import {
  databaseUrl,
  defaultSettings,
  processes,
  type StackSettings,
  serviceSchemas,
  startTestStack,
  type TestStack,
} from '@skico/stack';
import { type Baseline, startBaseline } from './baseline.ts';
import { type DrainResult, waitForDrain } from './drain.ts';
import { countsDelta, type LiftRideCounts, readLiftRideCounts } from './lift-ride-counts.ts';
import { findProcesses, type ProcessUsage, sampleProcesses } from './process-usage.ts';
import { type LoadConfig, type LoadReport, machineInfo, type RunResult, ratios } from './report.ts';
import { createRideCounter, type RideCounter } from './ride-counter.ts';
import { createRideLedger } from './ride-ledger.ts';
import { runPhase } from './run-phase.ts';
import { writes } from './workloads.ts';
import { writeReport } from './write-report.ts';

export interface MeasureOptions {
  config: LoadConfig;
  /** Where lift_ride.rides is; by default the lift-ride role's URL for the stack being measured. */
  databaseUrl?: string;
  /** Folder of the JSON and HTML reports. */
  out: string;
  progress?: boolean;
  log?: (line: string) => void;
  /** Ends the measurement early (Ctrl-C): no more requests, no report, and everything started is stopped. */
  signal?: AbortSignal;
}

function liftRideUrl(settings: Pick<StackSettings, 'postgres' | 'database'>): string {
  const schema = serviceSchemas.find((s) => s.service === 'lift-ride');
  if (!schema) throw new Error('no lift-ride schema in @skico/stack');
  return databaseUrl(settings, schema);
}

/**
 * The processes whose CPU and memory a system run reports: the stack's own when the tool started it,
 * else the Skico processes found on this machine; and the servers behind them.
 */
function systemProcesses(stack: TestStack | undefined): Map<string, number[]> {
  const found = findProcesses({ database: stack?.database });
  for (const name of found.keys()) if (name.startsWith('baseline')) found.delete(name);
  if (stack) {
    for (const { name } of processes) {
      const pid = stack.supervisor.child(name)?.pid;
      found.set(name, pid ? [pid] : []);
    }
  }
  return found;
}

/**
 * One measurement end to end: optionally start a whole system of its own, run the baseline, then the
 * system, then wait for every accepted ride to reach Postgres, and save the JSON and HTML reports.
 * The baseline goes first so that the system's drain does not overlap it.
 */
export async function measure(
  o: MeasureOptions,
): Promise<{ report: LoadReport; paths: { json: string; html: string } }> {
  const log = o.log ?? ((line: string) => process.stderr.write(`[load] ${line}\n`));
  const config = { ...o.config };
  let stack: TestStack | undefined;
  let baselineServers: Baseline | undefined;
  let counter: RideCounter | undefined;
  const { signal } = o;
  const phase = { progress: o.progress, signal };
  try {
    let dbUrl = o.databaseUrl ?? liftRideUrl(defaultSettings);
    if (config.startStack) {
      log('starting a whole system of its own (own database) …');
      // For profiling, as with npm start: SKICO_NODE_ARGS="--cpu-prof --cpu-prof-dir=.reports/profiles".
      stack = await startTestStack({ nodeArgs: process.env.SKICO_NODE_ARGS?.split(' ').filter(Boolean) });
      config.target = stack.gatewayUrl;
      dbUrl = o.databaseUrl ?? liftRideUrl(stack.settings);
      log(`system ready at ${config.target}`);
    }
    signal?.throwIfAborted();

    let baseline: RunResult | null = null;
    let baselineUsage: ProcessUsage[] | null = null;
    if (config.baseline) {
      baselineServers = await startBaseline(config.clients);
      log(`baseline: two-hop node:http proxy and server at ${baselineServers.url}`);
      const sampler = sampleProcesses(baselineServers.processes);
      baseline = (await runPhase({ label: 'baseline', url: baselineServers.url, config, ...phase })).result;
      baselineUsage = sampler.stop(baseline.requests);
      await baselineServers.stop();
      baselineServers = undefined;
    }

    const drainWanted = config.drain && writes(config.workload);
    const ledger = createRideLedger();
    let countBefore = 0;
    if (drainWanted) {
      counter = await createRideCounter(dbUrl).catch((err: Error) => {
        const where = dbUrl.replace(/\/\/[^@]*@/, '//');
        throw new Error(`the drain check cannot reach ${where} (${err.message}): pass --database-url or --no-drain`);
      });
      countBefore = await counter.countRows();
    }
    signal?.throwIfAborted();
    log(`system: ${config.target}`);
    // Whether reads were served from the cache says what a read mix measured (hits, or Postgres behind
    // misses); how many rides a message carried says how well group commit grouped them.
    const metricsUrl = stack ? `${stack.opsUrlOf('lift-ride')}/metrics` : undefined;
    const countsBefore = metricsUrl ? await readLiftRideCounts(metricsUrl) : undefined;
    const sampler = sampleProcesses(systemProcesses(stack), {
      rescan: () => findProcesses({ database: stack?.database }),
    });
    const run = await runPhase({
      label: 'system',
      url: config.target,
      config,
      onAccepted: ledger.add,
      ...phase,
    });
    const systemUsage = sampler.stop(run.result.requests);
    const countsAfter = metricsUrl ? await readLiftRideCounts(metricsUrl) : undefined;
    const liftRide: LiftRideCounts | undefined =
      countsBefore && countsAfter ? countsDelta(countsBefore, countsAfter) : undefined;
    signal?.throwIfAborted();

    let drain: DrainResult | null = null;
    if (counter) {
      log(`drain: waiting for ${ledger.size.toLocaleString('en-US')} distinct accepted rides in Postgres …`);
      let lastLog = performance.now();
      drain = await waitForDrain({
        counter,
        ledger,
        countBefore,
        loadStart: run.startedAt,
        loadEnd: run.endedAt,
        timeoutMs: config.drainTimeoutS * 1000,
        signal,
        onPoll: (count, target) => {
          if (performance.now() - lastLog < 2_000) return;
          lastLog = performance.now();
          log(
            `drain: ${(count - countBefore).toLocaleString('en-US')} of ${(target - countBefore).toLocaleString('en-US')} rows`,
          );
        },
      });
    }

    const report: LoadReport = {
      tool: '@skico/load',
      createdAt: new Date().toISOString(),
      config,
      machine: machineInfo(),
      system: run.result,
      baseline,
      ratios: baseline ? ratios(run.result, baseline) : null,
      drain,
      usage: { system: systemUsage, baseline: baselineUsage },
      liftRide,
    };
    return { report, paths: await writeReport(report, o.out) };
  } finally {
    await baselineServers?.stop();
    await counter?.close();
    if (stack) {
      log('stopping the system …');
      await stack.stop();
    }
  }
}
