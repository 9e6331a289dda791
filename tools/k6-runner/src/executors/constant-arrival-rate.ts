import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioPlan } from '../options.ts';
import { type ExecutorVu, finish, type ScenarioRun } from './scenario-run.ts';

type Plan = Extract<ScenarioPlan, { executor: 'constant-arrival-rate' }>;

/**
 * constant-arrival-rate: starts an iteration every timeUnit/rate whatever the system's speed. With no free
 * VU the iteration is dropped (dropped_iterations) and, below maxVUs, one more VU is initialized for later.
 */
export async function constantArrivalRate(run: ScenarioRun<Plan>): Promise<void> {
  const { plan } = run;
  const intervalMs = plan.timeUnitMs / plan.rate;
  const start = Date.now();
  const endAt = start + plan.durationMs;
  const pool: ExecutorVu[] = [...run.vus];
  const started = new Set<Promise<unknown>>();
  const failures: unknown[] = [];
  let growing = 0;
  const track = (work: Promise<unknown>) => {
    const tracked = work.catch((e: unknown) => void failures.push(e)).finally(() => started.delete(tracked));
    started.add(tracked);
  };

  for (let i = 0; failures.length === 0; i++) {
    const due = start + i * intervalMs;
    if (due >= endAt) break;
    if (due > Date.now()) await sleep(due - Date.now());
    const vu = pool.find((v) => !v.busy);
    if (vu) {
      track(vu.iterate(plan.exec));
      continue;
    }
    run.dropIteration();
    if (pool.length + growing < plan.maxVUs) {
      growing++;
      track(
        run
          .addVu()
          .then((added) => void pool.push(added))
          .finally(() => growing--),
      );
    }
  }
  const work = (async () => {
    while (started.size > 0) await Promise.all([...started]);
  })();
  await finish(work, () => pool, endAt, plan.gracefulStopMs);
  if (failures.length > 0) throw failures[0];
}
