import type { ScenarioPlan } from '../options.ts';
import { constantArrivalRate } from './constant-arrival-rate.ts';
import { constantVus, perVuIterations } from './iterating-vus.ts';
import { rampingMaxVus, rampingVus } from './ramping-vus.ts';
import type { ScenarioRun } from './scenario-run.ts';

export type { ScenarioRun } from './scenario-run.ts';

/** How many VUs a scenario initializes before the clock starts. */
export function initialVus(plan: ScenarioPlan): number {
  switch (plan.executor) {
    case 'per-vu-iterations':
    case 'constant-vus':
      return plan.vus;
    case 'ramping-vus':
      return rampingMaxVus(plan);
    case 'constant-arrival-rate':
      return plan.preAllocatedVUs;
  }
}

/** Runs one scenario with its executor, resolving when its last iteration ended. */
export function runScenario(run: ScenarioRun): Promise<void> {
  const { plan } = run;
  switch (plan.executor) {
    case 'per-vu-iterations':
      return perVuIterations({ ...run, plan });
    case 'constant-vus':
      return constantVus({ ...run, plan });
    case 'ramping-vus':
      return rampingVus({ ...run, plan });
    case 'constant-arrival-rate':
      return constantArrivalRate({ ...run, plan });
  }
}
