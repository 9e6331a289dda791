import { createHttpClient } from './http-client.ts';
import { showProgress } from './progress.ts';
import { type LoadConfig, type RunResult, toRunResult } from './report.ts';
import { runLoad } from './run-load.ts';
import { type Ride, workload } from './workloads.ts';

export interface PhaseOptions {
  label: RunResult['label'];
  url: string;
  config: LoadConfig;
  onAccepted?: (ride: Ride) => void;
  progress?: boolean;
  signal?: AbortSignal;
}

/** The count a run stops at: the configured one, else one implied by the open model's rate and duration. */
function plannedRequests(config: LoadConfig): number | undefined {
  if (config.requests !== undefined) return config.requests;
  if (config.model === 'open' && config.durationS && config.rate) return Math.ceil(config.durationS * config.rate);
  return undefined;
}

/**
 * One run of the configured workload against one target, with a fresh keep-alive pool. The baseline and
 * the system get the same seed, so they see exactly the same requests.
 */
export async function runPhase(o: PhaseOptions): Promise<{ result: RunResult; startedAt: number; endedAt: number }> {
  const { config } = o;
  const client = createHttpClient({ origin: o.url, connections: config.clients, timeoutMs: config.timeoutMs });
  if (config.warmup > 0) {
    // Not recorded: JIT, connection pools and caches on both sides warm up before the clock starts. The
    // warm-up's accepted rides still count for the drain check, since they are rows in Postgres too.
    const warm = runLoad({
      requests: workload(config.workload, config.seed + 1),
      send: client.send,
      model: 'closed',
      clients: config.clients,
      count: config.warmup,
      onAccepted: o.onAccepted,
      signal: o.signal,
    });
    await warm.done;
  }
  const total = plannedRequests(config);
  const durationMs = config.durationS === undefined ? undefined : config.durationS * 1000;
  const run = runLoad({
    requests: workload(config.workload, config.seed),
    send: client.send,
    model: config.model,
    clients: config.clients,
    rate: config.rate,
    count: total,
    durationMs,
    onAccepted: o.onAccepted,
    signal: o.signal,
  });
  const stop = o.progress === false ? () => undefined : showProgress(run, { label: o.label, total, durationMs });
  try {
    const state = await run.done;
    return {
      result: toRunResult(o.label, o.url, state),
      startedAt: state.startedAt,
      endedAt: state.startedAt + state.elapsedMs,
    };
  } finally {
    stop();
    await client.close();
  }
}
