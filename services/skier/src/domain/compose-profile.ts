import type { SkierProfile, SkierProfileWithStats, SkierStats } from '@skico/contracts';
import { isDependencyUnavailable } from '@skico/errors';

export interface ComposeProfileInput {
  loadProfile: () => Promise<SkierProfile | undefined>;
  /** Must give up when `signal` aborts: the budget expired or the profile does not exist. */
  loadStats: (signal: AbortSignal) => Promise<SkierStats>;
  /** Time the stats may take, counted from the start of the composition. */
  budgetMs: number;
}

/** Why the stats are missing: the budget ran out, or the lift-ride service's own failure reason. */
export interface Degradation {
  reason: string;
  cause?: unknown;
}

export interface ComposedProfile {
  profile: SkierProfileWithStats;
  degradation?: Degradation;
}

type StatsOutcome = { stats: SkierStats } | { degradation: Degradation };

function statsWithinBudget(input: ComposeProfileInput, controller: AbortController): Promise<StatsOutcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      controller.abort();
      resolve({ degradation: { reason: 'timeout' } });
    }, input.budgetMs);
    // Aborted because the profile does not exist: nobody waits for the stats any more.
    controller.signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
    const settle = (outcome: StatsOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    Promise.resolve()
      .then(() => input.loadStats(controller.signal))
      .then(
        (stats) => settle({ stats }),
        (cause: unknown) =>
          settle({ degradation: { reason: isDependencyUnavailable(cause) ? cause.reason : 'failed', cause } }),
      );
  });
}

/**
 * A profile with its stats, both loaded at once. Stats that fail or miss the budget leave the profile
 * answerable (partial availability): `stats: null, degraded: true`, and the reason for the log.
 * Resolves undefined when the profile does not exist.
 * @throws what `loadProfile` throws.
 */
export async function composeProfile(input: ComposeProfileInput): Promise<ComposedProfile | undefined> {
  const controller = new AbortController();
  const stats = statsWithinBudget(input, controller);
  let profile: SkierProfile | undefined;
  try {
    profile = await input.loadProfile();
  } finally {
    if (profile === undefined) controller.abort();
  }
  if (profile === undefined) return undefined;
  const outcome = await stats;
  if ('stats' in outcome) return { profile: { ...profile, stats: outcome.stats, degraded: false } };
  return { profile: { ...profile, stats: null, degraded: true }, degradation: outcome.degradation };
}
