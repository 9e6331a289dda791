import { z } from 'zod';
import { count, positiveInt32, seasonId } from '../fields.ts';

export const passTypes = z.enum(['none', 'day', 'multi-day', 'season']);

/** POST /skiers and PUT /skiers/{skierID}: the whole profile; unknown fields are rejected. */
export const skierProfileBody = z.strictObject({
  name: z.string().trim().min(1).max(200).meta({ example: 'Ada Lovelace' }),
  homeCity: z.string().trim().min(1).max(200).nullable().default(null).meta({ example: 'Innsbruck' }),
  passType: passTypes,
});

export const skierProfile = z.object({
  skierID: positiveInt32('The skier.'),
  name: z.string(),
  homeCity: z.string().nullable(),
  passType: passTypes,
});

/** Optional `season` on GET /skiers/{skierID}: the season the stats cover; all seasons when absent. */
export const skierStatsQuery = z.object({ season: seasonId('The season the stats cover.').optional() });

export const skierStats = z.object({
  seasonID: seasonId().nullable().meta({ description: 'The season covered; null when the stats cover all.' }),
  daysSkied: count('Days with at least one ride.'),
  vertical: count('Total vertical, metres.'),
  rides: count('Number of lift rides.'),
});

/** GET /skiers/{skierID}: stats are null and degraded true when the lift-ride service cannot answer in time. */
export const skierProfileWithStats = skierProfile.extend({
  stats: skierStats.nullable(),
  degraded: z.boolean().meta({ description: 'True when part of the answer (the stats) is unavailable.' }),
});

export type SkierProfileBody = z.infer<typeof skierProfileBody>;
export type SkierProfile = z.infer<typeof skierProfile>;
export type SkierStats = z.infer<typeof skierStats>;
export type SkierProfileWithStats = z.infer<typeof skierProfileWithStats>;
