import { describe, expect, it } from 'vitest';
import { sharedFor } from './shared-answer.ts';

describe('sharedFor', () => {
  it('when callers come within the time, then they share one call; after it, or once forgotten, a new one is made', async () => {
    let clock = 0;
    let calls = 0;
    const answer = sharedFor(
      1_000,
      async () => ++calls,
      () => clock,
    );
    expect([await answer(), await answer()]).toEqual([1, 1]);
    clock = 999;
    expect(await answer()).toBe(1);
    clock = 1_000;
    expect(await answer()).toBe(2);
    answer.forget();
    expect(await answer()).toBe(3);
  });
});
