import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { initialVus, runScenario } from './executors/index.ts';
import { createHttpBridge, type HttpBridge } from './http-bridge.ts';
import { createMetricRegistry, type MetricRegistry } from './metrics.ts';
import { parseOptions, type RunPlan } from './options.ts';
import { buildResult, createTally, type RunResult } from './run-result.ts';
import { checkAggregation } from './thresholds.ts';
import { Vu, type VuDeps } from './vu.ts';
import { type ReadyMessage, VuThread } from './vu-thread.ts';

export interface RunOptions {
  /** The script's `__ENV`: only these variables, not the process environment. */
  env?: Record<string, string>;
  /** How many VU threads start at once; they all start before the clock does. */
  startConcurrency?: number;
  /** The most VUs a run may have: one thread each, so hundreds are a job for real k6. 200 by default. */
  maxVus?: number;
}

/** Lifecycle functions and exports the runner does not implement: a script with them is refused. */
const UNSUPPORTED_EXPORTS = ['setup', 'teardown', 'handleSummary'];
const DEFAULT_MAX_VUS = 200;

function validate(plan: RunPlan, ready: ReadyMessage, metrics: MetricRegistry): void {
  for (const name of UNSUPPORTED_EXPORTS) {
    if (ready.exports[name] !== undefined) throw new Error(`k6-runner does not implement the ${name}() export`);
  }
  for (const scenario of plan.scenarios) {
    if (ready.exports[scenario.exec] !== 'function') {
      throw new Error(`k6-runner: scenario ${scenario.name} runs ${scenario.exec}, which the script does not export`);
    }
  }
  for (const { metric, thresholds } of plan.thresholds) {
    const found = metrics.get(metric);
    if (!found) throw new Error(`k6-runner: a threshold names the metric ${metric}, which does not exist`);
    for (const threshold of thresholds) checkAggregation(threshold, found);
  }
}

function checkVuLimit(plan: RunPlan, limit: number): void {
  const most = plan.scenarios.reduce(
    (sum, s) => sum + (s.executor === 'constant-arrival-rate' ? s.maxVUs : initialVus(s)),
    0,
  );
  if (most > limit) {
    throw new Error(
      `k6-runner: the scenarios may need ${most} VUs, more than its limit of ${limit} (one thread each); ` +
        'shrink them through __ENV or run the script with k6',
    );
  }
}

async function inBatches<T>(count: number, size: number, start: (i: number) => Promise<T>): Promise<T[]> {
  const started: T[] = [];
  for (let i = 0; i < count; i += size) {
    started.push(...(await Promise.all(Array.from({ length: Math.min(size, count - i) }, (_, j) => start(i + j)))));
  }
  return started;
}

/** k6's first init context (`__VU` 0): what the script exports, its custom metrics and its options. */
async function probe(scriptUrl: string, env: Record<string, string>, bridge: HttpBridge): Promise<ReadyMessage> {
  const { thread, ready } = await VuThread.start({ scriptUrl, env, bridge, vu: 0 });
  await thread.terminate();
  return ready;
}

/**
 * The script's exported `options` as its first init context (`__VU` 0) computes them from `env`.
 * @throws when the init context fails.
 */
export async function readOptions(scriptPath: string, env: Record<string, string> = {}): Promise<unknown> {
  const metrics = createMetricRegistry();
  const bridge = createHttpBridge(metrics, () => undefined);
  try {
    return (await probe(pathToFileURL(resolve(scriptPath)).href, env, bridge)).options;
  } finally {
    bridge.close();
  }
}

/**
 * Runs a k6 script as k6 would: reads its options in a first init context, initializes every VU (one
 * thread each), runs all scenarios at once, then evaluates the thresholds.
 * @throws when the script uses anything the runner does not implement, or its init context fails.
 */
export async function runScript(scriptPath: string, options: RunOptions = {}): Promise<RunResult> {
  const scriptUrl = pathToFileURL(resolve(scriptPath)).href;
  const env = { ...options.env };
  const metrics = createMetricRegistry();
  const tally = createTally();
  const bridge = createHttpBridge(metrics, tally.requestError);
  const vus: Vu[] = [];
  const deps: VuDeps = {
    scriptUrl,
    env,
    bridge,
    onReady: (ready) => {
      for (const def of ready.metrics) metrics.define(def);
    },
    onIteration: (end) => tally.iteration(end, metrics),
  };
  try {
    const ready = await probe(scriptUrl, env, bridge);
    const plan = parseOptions(ready.options);
    deps.onReady(ready);
    validate(plan, ready, metrics);
    checkVuLimit(plan, options.maxVus ?? DEFAULT_MAX_VUS);

    const runs = [];
    for (const scenario of plan.scenarios) {
      const first = vus.length + 1;
      const own = await inBatches(initialVus(scenario), options.startConcurrency ?? 4, async (i) => {
        const vu = new Vu(first + i, deps);
        vus.push(vu);
        await vu.start();
        return vu;
      });
      runs.push({ plan: scenario, vus: own });
    }

    const start = performance.now();
    await Promise.all(
      runs.map((run) =>
        runScenario({
          ...run,
          addVu: async () => {
            const vu = new Vu(vus.length + 1, deps);
            vus.push(vu);
            await vu.start();
            return vu;
          },
          dropIteration: () => metrics.add('dropped_iterations', 1),
        }),
      ),
    );
    const elapsedSeconds = (performance.now() - start) / 1000;
    return buildResult({ script: scriptPath, plan, metrics, tally, elapsedSeconds });
  } finally {
    await Promise.all(vus.map((vu) => vu.interrupt()));
    bridge.close();
  }
}
