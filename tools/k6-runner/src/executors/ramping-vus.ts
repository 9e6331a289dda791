import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioPlan } from '../options.ts';
import { type ExecutorVu, finish, type ScenarioRun } from './scenario-run.ts';

type Plan = Extract<ScenarioPlan, { executor: 'ramping-vus' }>;

/** How often inactive VUs look whether they are wanted again, and ramp-down overruns are checked. */
const TICK_MS = 25;

/**
 * The number of active VUs `elapsedMs` into the stages: linear within a stage, changing by whole VUs at
 * the moment the line crosses them (so it rounds towards the stage's starting count, as k6 steps).
 */
export function rampingTarget(startVUs: number, stages: Plan['stages'], elapsedMs: number): number {
  let from = startVUs;
  let stageStart = 0;
  for (const stage of stages) {
    if (elapsedMs < stageStart + stage.durationMs) {
      const exact = from + ((stage.target - from) * (elapsedMs - stageStart)) / stage.durationMs;
      return stage.target >= from ? Math.floor(exact) : Math.ceil(exact);
    }
    from = stage.target;
    stageStart += stage.durationMs;
  }
  return from;
}

/** The most VUs the stages ever ask for: all are initialized before the clock starts, as in k6. */
export function rampingMaxVus(plan: Plan): number {
  return Math.max(plan.startVUs, ...plan.stages.map((s) => s.target));
}

/**
 * ramping-vus: the first `target` VUs iterate back to back; a VU the ramp-down no longer wants finishes its
 * iteration within `gracefulRampDown` or is interrupted.
 */
export async function rampingVus(run: ScenarioRun<Plan>): Promise<void> {
  const { plan } = run;
  const start = Date.now();
  const endAt = start + plan.stages.reduce((sum, s) => sum + s.durationMs, 0);
  const target = () => rampingTarget(plan.startVUs, plan.stages, Date.now() - start);
  const unwantedSince = new Map<ExecutorVu, number>();
  const interrupts: Promise<void>[] = [];
  const ticker = setInterval(() => {
    const wanted = target();
    for (const [i, vu] of run.vus.entries()) {
      if (i < wanted || !vu.busy) {
        unwantedSince.delete(vu);
        continue;
      }
      const since = unwantedSince.get(vu) ?? Date.now();
      unwantedSince.set(vu, since);
      if (Date.now() - since >= plan.gracefulRampDownMs) {
        unwantedSince.delete(vu);
        interrupts.push(vu.interrupt());
      }
    }
  }, TICK_MS);
  const loops = Promise.all(
    run.vus.map(async (vu, i) => {
      while (Date.now() < endAt) {
        if (i < target()) await vu.iterate(plan.exec);
        else await sleep(Math.min(TICK_MS, Math.max(0, endAt - Date.now())));
      }
    }),
  );
  try {
    await finish(loops, () => run.vus, endAt, plan.gracefulStopMs);
  } finally {
    clearInterval(ticker);
    await Promise.all(interrupts);
  }
}
