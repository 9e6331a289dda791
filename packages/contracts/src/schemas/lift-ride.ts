import { z } from 'zod';
import { count, INT32_MAX, idParam, intParam, positiveInt32, repeatedParam, seasonId } from '../fields.ts';
import { resortParams } from './resort.ts';

export const dayParams = resortParams.extend({
  seasonID: seasonId(),
  dayID: intParam(1, 366, 'Day of the season, 1..366.'),
});

export const liftRideParams = dayParams.extend({ skierID: idParam('The skier.') });

/** POST …/skiers/{skierID} (course contract): one lift ride; extra fields sent by load clients are ignored. */
export const liftRideBody = z.object({
  time: z.int().min(1).max(1440).meta({ description: 'Minute of the ski day, 1..1440.', example: 217 }),
  liftID: z.int().min(1).max(INT32_MAX).meta({ description: 'The lift ridden.', example: 21 }),
});

/** The 201 answer to a lift ride: the ride as recorded. */
export const liftRideRecorded = z.object({
  resortID: positiveInt32('The resort.'),
  seasonID: seasonId(),
  dayID: z.int().min(1).max(366),
  skierID: positiveInt32('The skier.'),
  ...liftRideBody.shape,
});

/** GET …/skiers/{skierID} (course contract): a bare JSON integer, the skier's vertical that day. */
export const dayVertical = z
  .int()
  .min(0)
  .meta({ description: 'The skier’s vertical that day, metres.', example: 3400 });

export const skierParams = z.object({ skierID: idParam('The skier.') });

/** GET /skiers/{skierID}/vertical (course contract): `resort` required, both keys may repeat. */
export const verticalQuery = z.object({
  resort: repeatedParam(idParam('A resort to total; repeat the key for several.'), 1),
  season: repeatedParam(
    seasonId('A season to include; repeat the key for several. All seasons when absent.'),
  ).optional(),
});

export const verticalAnswer = z.object({
  resorts: z.array(z.object({ seasonID: seasonId(), totalVert: count('Vertical in metres.') })),
});

/** GET /resorts/{resortID}/seasons/{seasonID}/day/{dayID}/skiers (course contract). */
export const uniqueSkiers = z.object({
  time: z.string().meta({ description: 'The resort’s name (the course contract calls it `time`).' }),
  numSkiers: z.int().min(0).meta({ description: 'Distinct skiers with at least one ride that day.', example: 78999 }),
});

/** GET …/days/{dayID}/lifts/wait-times: estimated wait per lift from the recent ride rate. */
export const waitTimes = z.object({
  resortID: positiveInt32('The resort.'),
  seasonID: seasonId(),
  dayID: z.int().min(1).max(366),
  windowMinutes: positiveInt32('Length of the window the ride rates are measured over.'),
  computedAt: z.iso.datetime({ offset: true }),
  lifts: z.array(
    z.object({
      liftID: positiveInt32('The lift.'),
      ridesLastWindow: count('Rides counted in the window.'),
      estimatedWaitMinutes: z.number().min(0).meta({ description: 'Estimated queue wait, minutes.' }),
    }),
  ),
});

export type LiftRideBody = z.infer<typeof liftRideBody>;
export type VerticalAnswer = z.infer<typeof verticalAnswer>;
export type WaitTimes = z.infer<typeof waitTimes>;
