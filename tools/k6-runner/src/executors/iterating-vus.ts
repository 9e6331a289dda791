import type { ScenarioPlan } from '../options.ts';
import { finish, type ScenarioRun } from './scenario-run.ts';

type Plan<E> = Extract<ScenarioPlan, { executor: E }>;

/** per-vu-iterations: each VU runs `iterations` iterations, all within `maxDuration`. */
export async function perVuIterations(run: ScenarioRun<Plan<'per-vu-iterations'>>): Promise<void> {
  const { plan } = run;
  const endAt = Date.now() + plan.maxDurationMs;
  const loops = Promise.all(
    run.vus.map(async (vu) => {
      for (let i = 0; i < plan.iterations && Date.now() < endAt; i++) await vu.iterate(plan.exec);
    }),
  );
  await finish(loops, () => run.vus, endAt, plan.gracefulStopMs);
}

/** constant-vus: every VU iterates back to back for `duration`. */
export async function constantVus(run: ScenarioRun<Plan<'constant-vus'>>): Promise<void> {
  const { plan } = run;
  const endAt = Date.now() + plan.durationMs;
  const loops = Promise.all(
    run.vus.map(async (vu) => {
      while (Date.now() < endAt) await vu.iterate(plan.exec);
    }),
  );
  await finish(loops, () => run.vus, endAt, plan.gracefulStopMs);
}
