import type { SkierProfile, SkierStats } from '@skico/contracts';
import { DependencyUnavailable } from '@skico/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { composeProfile } from './compose-profile.ts';

const ada: SkierProfile = { skierID: 1_000_001, name: 'Ada', homeCity: null, passType: 'season' };
const stats: SkierStats = { seasonID: '2025', daysSkied: 2, vertical: 840, rides: 7 };
const never = () => new Promise<never>(() => undefined);

describe('composeProfile', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('when the stats arrive within the budget, then the profile carries them and is not degraded', async () => {
    const composed = await composeProfile({
      loadProfile: async () => ada,
      loadStats: async () => stats,
      budgetMs: 300,
    });
    expect(composed).toEqual({ profile: { ...ada, stats, degraded: false } });
  });

  it('when the stats miss the budget, then the answer is degraded at the budget and the call is aborted', async () => {
    vi.useFakeTimers();
    let signal: AbortSignal | undefined;
    const pending = composeProfile({
      loadProfile: async () => ada,
      loadStats: (s) => {
        signal = s;
        return never();
      },
      budgetMs: 300,
    });
    await vi.advanceTimersByTimeAsync(299);
    expect(signal?.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    const composed = await pending;
    expect(composed?.profile).toEqual({ ...ada, stats: null, degraded: true });
    expect(composed?.degradation?.reason).toBe('timeout');
    expect(signal?.aborted).toBe(true);
  });

  it.each([
    [new DependencyUnavailable('lift-ride', 'unreachable'), 'unreachable'],
    [new DependencyUnavailable('lift-ride', 'failed'), 'failed'],
    [new Error('unexpected answer'), 'failed'],
  ])('when the stats fail with %s, then the answer is degraded with reason %s', async (error, reason) => {
    const composed = await composeProfile({
      loadProfile: async () => ada,
      loadStats: async () => {
        throw error;
      },
      budgetMs: 300,
    });
    expect(composed?.profile).toEqual({ ...ada, stats: null, degraded: true });
    expect(composed?.degradation).toEqual({ reason, cause: error });
  });

  it('when the stats function throws synchronously, then the answer is still degraded, not an error', async () => {
    const composed = await composeProfile({
      loadProfile: async () => ada,
      loadStats: () => {
        throw new Error('bad url');
      },
      budgetMs: 300,
    });
    expect(composed?.profile.degraded).toBe(true);
  });

  it('when the profile is being loaded, then the stats are already requested (parallel)', async () => {
    let release: (p: SkierProfile) => void = () => undefined;
    const loadStats = vi.fn(async () => stats);
    const pending = composeProfile({
      loadProfile: () => new Promise<SkierProfile>((resolve) => (release = resolve)),
      loadStats,
      budgetMs: 300,
    });
    await vi.waitFor(() => expect(loadStats).toHaveBeenCalledOnce());
    release(ada);
    expect((await pending)?.profile.degraded).toBe(false);
  });

  it('when the profile does not exist, then the result is undefined and the stats call is aborted', async () => {
    let signal: AbortSignal | undefined;
    const composed = await composeProfile({
      loadProfile: async () => undefined,
      loadStats: (s) => {
        signal = s;
        return never();
      },
      budgetMs: 300,
    });
    expect(composed).toBeUndefined();
    expect(signal?.aborted).toBe(true);
  });

  it('when loading the profile fails, then that error is thrown and the stats call is aborted', async () => {
    let signal: AbortSignal | undefined;
    const failure = new DependencyUnavailable('postgres', 'timeout');
    await expect(
      composeProfile({
        loadProfile: async () => {
          throw failure;
        },
        loadStats: (s) => {
          signal = s;
          return never();
        },
        budgetMs: 300,
      }),
    ).rejects.toBe(failure);
    expect(signal?.aborted).toBe(true);
  });
});
