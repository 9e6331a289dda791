import { type AppError, isAppError, isDependencyUnavailable } from '@skico/errors';
import { describe, expect, it } from 'vitest';
import { createBreaker } from './breaker.ts';

const options = {
  name: 'dep',
  timeoutMs: 200,
  errorThresholdPercentage: 50,
  volumeThreshold: 4,
  resetTimeoutMs: 100,
  capacity: 2,
  rollingWindowMs: 10_000,
};
const hang = (signal: AbortSignal) =>
  new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
const fail = () => Promise.reject(new Error('boom'));
const outcome = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isDependencyUnavailable(e)) return e.reason;
    return isAppError(e) ? e.kind : 'raw';
  }
};

describe('breaker: the caller’s deadline', () => {
  it('when calls run out of the caller’s budget (shorter than the dependency’s timeout), then they answer "timeout" (504) and the circuit stays closed', async () => {
    const breaker = createBreaker(options);
    for (let i = 0; i < 12; i++) expect(await outcome(breaker.run(hang, { budgetMs: 15 }))).toBe('timeout');
    expect(breaker.state()).toBe('closed');
  });

  it('when less than the least useful budget is left, then the call is refused at once and never started', async () => {
    const breaker = createBreaker({ ...options, minBudgetMs: 10 });
    let started = 0;
    for (const budgetMs of [-50, 0, 1, 9]) {
      const error = await breaker
        .run(
          async () => {
            started += 1;
          },
          { budgetMs },
        )
        .catch((e: unknown) => e);
      expect(isAppError(error) && error.kind).toBe('timeout');
      expect((error as AppError).code).toBe('DEADLINE_EXCEEDED');
    }
    expect(started).toBe(0);
    expect(breaker.inFlight()).toBe(0);
  });

  it('when the dependency hangs for calls that had their full time, then those timeouts count and open the circuit', async () => {
    const breaker = createBreaker(options);
    for (let i = 0; i < 4; i++) {
      expect(await outcome(breaker.run(hang, { timeoutMs: 20, budgetMs: 500 }))).toBe('timeout');
    }
    expect(breaker.state()).toBe('open');
  });

  it('when short-budget calls time out among real failures, then they neither dilute nor add to the failure rate', async () => {
    const breaker = createBreaker(options);
    for (let i = 0; i < 10; i++) await outcome(breaker.run(hang, { budgetMs: 15 }));
    expect(breaker.state()).toBe('closed');
    // Four real failures against no real successes: the circuit opens as if the short calls had not been.
    for (let i = 0; i < 4; i++) await outcome(breaker.run(fail));
    expect(breaker.state()).toBe('open');
  });

  it('when the circuit is half-open, then a short-budget call does not take the one trial, and a full one closes it', async () => {
    const breaker = createBreaker(options);
    for (let i = 0; i < 4; i++) await outcome(breaker.run(fail));
    expect(breaker.state()).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(breaker.state()).toBe('half-open');
    expect(await outcome(breaker.run(hang, { budgetMs: 15 }))).toBe('open');
    expect(breaker.state()).toBe('half-open');
    expect(await outcome(breaker.run(async () => 'fine'))).toBe('ok');
    expect(breaker.state()).toBe('closed');
  });
});

describe('breaker: its bulkhead', () => {
  it('when calls are refused because the bulkhead is full, then the refusals do not open the circuit', async () => {
    const breaker = createBreaker(options);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = [breaker.run(() => gate), breaker.run(() => gate)];
    for (let i = 0; i < 50; i++) expect(await outcome(breaker.run(async () => 'x'))).toBe('full');
    expect(breaker.state()).toBe('closed');
    release();
    await Promise.all(held);
    // The refusals were not calls either: two failures among the two real successes do not reach 50 %.
    for (let i = 0; i < 2; i++) await outcome(breaker.run(fail));
    expect(breaker.state()).toBe('closed');
  });
});
