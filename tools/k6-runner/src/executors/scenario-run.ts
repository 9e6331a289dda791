import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioPlan } from '../options.ts';

/** What an executor needs of a VU: the runner's Vu, or a fake in the executors' unit tests. */
export interface ExecutorVu {
  readonly busy: boolean;
  iterate(exec: string): Promise<unknown>;
  interrupt(): Promise<void>;
}

/** One scenario as an executor runs it. */
export interface ScenarioRun<P extends ScenarioPlan = ScenarioPlan> {
  plan: P;
  /** The VUs initialized before the clock started. */
  vus: ExecutorVu[];
  /** Initializes one more VU mid-test (constant-arrival-rate up to maxVUs). */
  addVu(): Promise<ExecutorVu>;
  /** An iteration the executor could not start for want of a free VU: k6's dropped_iterations. */
  dropIteration(): void;
}

/** Resolves at `at` (a Date.now() time) at the latest, or when `work` settles first. */
async function until(at: number, work: Promise<unknown>): Promise<void> {
  const controller = new AbortController();
  await Promise.race([
    work.then(
      () => undefined,
      () => undefined,
    ),
    sleep(Math.max(0, at - Date.now()), undefined, { signal: controller.signal }).catch(() => undefined),
  ]);
  controller.abort();
}

/**
 * The end of a scenario, as in k6: iterations still running at `endAt` get `gracefulStopMs` to finish,
 * then their VUs are interrupted. Rethrows what `work` failed with.
 */
export async function finish(work: Promise<unknown>, vus: () => ExecutorVu[], endAt: number, gracefulStopMs: number) {
  await until(endAt, work);
  await until(Math.max(endAt, Date.now()) + gracefulStopMs, work);
  await Promise.all(
    vus()
      .filter((vu) => vu.busy)
      .map((vu) => vu.interrupt()),
  );
  await work;
}
