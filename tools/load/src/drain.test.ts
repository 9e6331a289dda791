import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { waitForDrain } from './drain.ts';
import type { RideCounter } from './ride-counter.ts';
import { createRideLedger } from './ride-ledger.ts';

const ride = (skierID: number) => ({ resortID: 1, seasonID: '2025', dayID: 1, skierID, liftID: 3, time: 10 });

/** A stand-in for Postgres: `rows` grows as the test says; `stored` are the ledger rides that have a row. */
function fakeCounter(state: { rows: number; stored: number }): RideCounter {
  return {
    countRows: async () => state.rows,
    countFound: async () => state.stored,
    close: async () => undefined,
  } as RideCounter;
}

describe('drain check', () => {
  it('when the same ride is accepted twice, then one row is expected for it', () => {
    const ledger = createRideLedger();
    for (const skier of [1, 2, 2, 3, 1]) ledger.add(ride(skier));
    expect(ledger.size).toBe(3);
    expect(ledger.columns().skier).toEqual([1, 2, 3]);
  });

  it('when rows arrive after the load, then it waits for all of them and times the drain from the load end', async () => {
    const ledger = createRideLedger();
    for (let s = 1; s <= 4; s++) ledger.add(ride(s));
    const state = { rows: 10, stored: 0 };
    const start = performance.now();
    const timer = setInterval(() => {
      state.rows++;
      state.stored++;
    }, 30);
    const result = await waitForDrain({
      counter: fakeCounter(state),
      ledger,
      countBefore: 10,
      loadStart: start - 1_000,
      loadEnd: start,
      timeoutMs: 5_000,
      pollMs: 10,
    });
    clearInterval(timer);
    expect(result).toMatchObject({ expected: 4, found: 4, drained: true, countBefore: 10 });
    expect(result.countAfter).toBeGreaterThanOrEqual(14);
    expect(result.fromEndMs).toBeGreaterThanOrEqual(100);
    expect(result.fromStartMs).toBeGreaterThanOrEqual(1_100);
  });

  it('when the rides were stored before the run, then the stalled count is settled by the exact check', async () => {
    const ledger = createRideLedger();
    ledger.add(ride(1));
    const result = await waitForDrain({
      counter: fakeCounter({ rows: 50, stored: 1 }),
      ledger,
      countBefore: 50,
      loadStart: performance.now(),
      loadEnd: performance.now(),
      timeoutMs: 5_000,
      pollMs: 10,
      stallMs: 50,
    });
    expect(result).toMatchObject({ expected: 1, found: 1, drained: true });
  });

  it('when rides never arrive, then it reports them missing at the timeout', async () => {
    const ledger = createRideLedger();
    ledger.add(ride(1));
    ledger.add(ride(2));
    const result = await waitForDrain({
      counter: fakeCounter({ rows: 1, stored: 1 }),
      ledger,
      countBefore: 0,
      loadStart: performance.now(),
      loadEnd: performance.now(),
      timeoutMs: 150,
      pollMs: 10,
      stallMs: 50,
    });
    expect(result).toMatchObject({ expected: 2, found: 1, drained: false, fromEndMs: null });
  });
});
