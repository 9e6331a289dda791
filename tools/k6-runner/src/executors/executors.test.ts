import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ScenarioPlan } from '../options.ts';
import { runScenario } from './index.ts';
import type { ExecutorVu } from './scenario-run.ts';

/** A VU whose iterations take `ms` (forever if Infinity) unless interrupted; it logs what happened. */
function fakeVu(ms: number, log: string[], id: number): ExecutorVu {
  let busy = false;
  let stop: (() => void) | undefined;
  return {
    get busy() {
      return busy;
    },
    async iterate() {
      busy = true;
      log.push(`start ${id}`);
      const interrupted = new Promise<'interrupted'>((resolve) => {
        stop = () => resolve('interrupted');
      });
      const end = await Promise.race([Number.isFinite(ms) ? sleep(ms, 'done' as const) : interrupted, interrupted]);
      log.push(`${end} ${id}`);
      busy = false;
    },
    async interrupt() {
      stop?.();
    },
  };
}

const common = { name: 's', exec: 'default', gracefulStopMs: 50 };
const count = (log: string[], prefix: string) => log.filter((l) => l.startsWith(prefix)).length;

function run(plan: ScenarioPlan, vus: ExecutorVu[], addVu?: () => ExecutorVu) {
  const dropped = { count: 0 };
  const done = runScenario({
    plan,
    vus,
    addVu: async () => {
      if (!addVu) throw new Error('no VU may be added');
      return addVu();
    },
    dropIteration: () => void dropped.count++,
  });
  return { done, dropped };
}

describe('executors', () => {
  it('when per-vu-iterations runs, then each VU does its iterations', async () => {
    const log: string[] = [];
    const plan: ScenarioPlan = {
      ...common,
      executor: 'per-vu-iterations',
      vus: 2,
      iterations: 3,
      maxDurationMs: 5_000,
    };
    await run(plan, [fakeVu(5, log, 1), fakeVu(5, log, 2)]).done;
    expect(count(log, 'done 1')).toBe(3);
    expect(count(log, 'done 2')).toBe(3);
  });

  it('when an iteration outlives maxDuration and gracefulStop, then it is interrupted', async () => {
    const log: string[] = [];
    const plan: ScenarioPlan = { ...common, executor: 'per-vu-iterations', vus: 1, iterations: 5, maxDurationMs: 100 };
    const started = Date.now();
    await run(plan, [fakeVu(Number.POSITIVE_INFINITY, log, 1)]).done;
    expect(log).toEqual(['start 1', 'interrupted 1']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('when constant-vus runs, then VUs iterate back to back for the duration, and no longer', async () => {
    const log: string[] = [];
    const plan: ScenarioPlan = { ...common, executor: 'constant-vus', vus: 2, durationMs: 200 };
    const started = Date.now();
    await run(plan, [fakeVu(20, log, 1), fakeVu(20, log, 2)]).done;
    expect(count(log, 'done')).toBeGreaterThanOrEqual(4);
    expect(count(log, 'done')).toBeLessThanOrEqual(22);
    expect(count(log, 'interrupted')).toBe(0);
    expect(Date.now() - started).toBeLessThan(200 + 50 + 300);
  });

  it('when ramping-vus ramps down under a long iteration, then gracefulRampDown interrupts it', async () => {
    const log: string[] = [];
    const plan: ScenarioPlan = {
      ...common,
      executor: 'ramping-vus',
      startVUs: 2,
      stages: [
        { durationMs: 100, target: 2 },
        { durationMs: 10, target: 1 },
        { durationMs: 300, target: 1 },
      ],
      gracefulRampDownMs: 50,
      gracefulStopMs: 1_000,
    };
    await run(plan, [fakeVu(10, log, 1), fakeVu(Number.POSITIVE_INFINITY, log, 2)]).done;
    expect(log).toContain('interrupted 2');
    expect(count(log, 'start 2')).toBe(1);
    expect(count(log, 'done 1')).toBeGreaterThanOrEqual(5);
  });

  it('when constant-arrival-rate has no free VU, then iterations are dropped and VUs added up to maxVUs', async () => {
    const log: string[] = [];
    let added = 0;
    const plan: ScenarioPlan = {
      ...common,
      executor: 'constant-arrival-rate',
      rate: 100,
      timeUnitMs: 1_000,
      durationMs: 300,
      preAllocatedVUs: 1,
      maxVUs: 2,
    };
    const { done, dropped } = run(plan, [fakeVu(45, log, 1)], () => fakeVu(45, log, 2 + added++));
    await done;
    expect(added).toBe(1);
    const started = count(log, 'start');
    // 30 arrivals in 300 ms: every one either started or was dropped, and two VUs of 45 ms cannot start them all.
    expect(started + dropped.count).toBe(30);
    expect(dropped.count).toBeGreaterThan(5);
    expect(started).toBeGreaterThan(5);
  });
});
