import { AppError, isDependencyUnavailable } from '@skico/errors';
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
const fail = () => Promise.reject(new Error('boom'));
const reason = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isDependencyUnavailable(e) ? e.reason : 'raw';
  }
};

describe('breaker', () => {
  it('when failures pass the threshold, then it opens and rejects at once; after the reset timeout one trial closes it', async () => {
    const breaker = createBreaker(options);
    for (let i = 0; i < 4; i++) expect(await reason(breaker.run(fail))).toBe('failed');
    expect(breaker.state()).toBe('open');
    let called = false;
    const started = performance.now();
    expect(
      await reason(
        breaker.run(async () => {
          called = true;
        }),
      ),
    ).toBe('open');
    expect(called).toBe(false);
    expect(performance.now() - started).toBeLessThan(20);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(breaker.state()).toBe('half-open');
    expect(await reason(breaker.run(async () => 'fine'))).toBe('ok');
    expect(breaker.state()).toBe('closed');
  });

  it('when a call outlives its timeout, then its signal aborts and the caller gets a timeout', async () => {
    const breaker = createBreaker(options);
    let aborted = false;
    const result = reason(
      breaker.run(
        (signal) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve(undefined);
            });
          }),
        { timeoutMs: 30 },
      ),
    );
    expect(await result).toBe('timeout');
    expect(aborted).toBe(true);
  });

  it('when the bulkhead is full, then the next call is refused at once', async () => {
    const breaker = createBreaker(options);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const held = [breaker.run(() => gate), breaker.run(() => gate)];
    expect(breaker.inFlight()).toBe(2);
    expect(await reason(breaker.run(async () => 'x'))).toBe('full');
    release();
    await Promise.all(held);
    expect(breaker.inFlight()).toBe(0);
  });

  it('when the dependency answers "not found", then that does not count against it', async () => {
    const breaker = createBreaker(options);
    for (let i = 0; i < 10; i++) {
      expect(await reason(breaker.run(() => Promise.reject(new AppError('not-found', 'X', 'nope'))))).toBe('raw');
    }
    expect(breaker.state()).toBe('closed');
  });
});
