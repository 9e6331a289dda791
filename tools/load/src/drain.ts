import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RideCounter } from './ride-counter.ts';
import type { RideLedger } from './ride-ledger.ts';

export interface DrainResult {
  /** Distinct rides the target accepted with 201. */
  expected: number;
  countBefore: number;
  countAfter: number;
  /** Accepted rides whose row was found by natural key at the end. */
  found: number;
  drained: boolean;
  /** From the load's start and from its end to the first poll that saw every accepted ride; null if never. */
  fromStartMs: number | null;
  fromEndMs: number | null;
}

export interface DrainOptions {
  counter: RideCounter;
  ledger: RideLedger;
  countBefore: number;
  /** performance.now() at the load's start and end. */
  loadStart: number;
  loadEnd: number;
  timeoutMs: number;
  pollMs?: number;
  /** How long an unchanged count waits before the exact check (rides that were already stored do not add). */
  stallMs?: number;
  onPoll?: (count: number, target: number) => void;
  signal?: AbortSignal;
}

/**
 * Waits until every accepted ride is in Postgres, by counting rather than assuming. The cheap poll waits
 * for count(*) to reach the count before the load plus the distinct accepted rides; the exact check by
 * natural key then confirms it, and also settles the cases a count cannot: another writer adding rows, or
 * rides that were already stored before this run (the count then stalls below the target).
 */
export async function waitForDrain(o: DrainOptions): Promise<DrainResult> {
  const target = o.countBefore + o.ledger.size;
  const deadline = performance.now() + o.timeoutMs;
  let lastCount = -1;
  let lastChangeAt = performance.now();
  let checkedAt = -1;
  let found = 0;
  const result = (countAfter: number, drainedAt: number | null): DrainResult => ({
    expected: o.ledger.size,
    countBefore: o.countBefore,
    countAfter,
    found,
    drained: drainedAt !== null,
    fromStartMs: drainedAt === null ? null : drainedAt - o.loadStart,
    fromEndMs: drainedAt === null ? null : Math.max(0, drainedAt - o.loadEnd),
  });
  for (;;) {
    o.signal?.throwIfAborted();
    const count = await o.counter.countRows();
    const now = performance.now();
    if (count !== lastCount) [lastCount, lastChangeAt] = [count, now];
    o.onPoll?.(count, target);
    const reached = count >= target;
    const stalled = now - lastChangeAt >= (o.stallMs ?? 3_000);
    if ((reached || stalled) && checkedAt !== count) {
      checkedAt = count;
      found = await o.counter.countFound(o.ledger);
      if (found === o.ledger.size) return result(count, reached ? now : lastChangeAt);
    }
    if (now >= deadline) {
      found = await o.counter.countFound(o.ledger);
      return result(count, null);
    }
    await sleep(o.pollMs ?? 100);
  }
}
