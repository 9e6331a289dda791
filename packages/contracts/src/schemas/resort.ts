import { z } from 'zod';
import { count, idParam, positiveInt32, seasonId } from '../fields.ts';

const resortName = z.string().trim().min(1).max(200).meta({ example: 'Alpine Crest' });

export const resortParams = z.object({ resortID: idParam('The resort.') });
export const liftParams = resortParams.extend({ liftID: idParam('The lift, unique within its resort.') });

/** GET /resorts (course contract). */
export const resortList = z.object({
  resorts: z.array(z.object({ resortName: z.string(), resortID: positiveInt32('The resort.') })),
});

/** GET /resorts/{resortID}/seasons (course contract). */
export const seasonList = z.object({ seasons: z.array(seasonId()) });

/** POST /resorts/{resortID}/seasons (course contract): extra fields are ignored. */
export const seasonCreateBody = z.object({ year: seasonId('The season to add: a 4-digit year.') });

export const seasonCreated = z.object({ resortID: positiveInt32('The resort.'), seasonID: seasonId() });

/** POST /resorts (admin). */
export const resortCreateBody = z.strictObject({ resortName });

export const lift = z.object({
  liftID: positiveInt32('The lift, unique within its resort.'),
  name: z.string(),
  verticalRise: count('Vertical rise in metres: what one ride adds to a skier’s vertical.'),
});

/** PUT /resorts/{resortID}/lifts/{liftID} (admin). */
export const liftPutBody = z.strictObject({
  name: z.string().trim().min(1).max(200).meta({ example: 'Summit Express' }),
  verticalRise: z.int().min(0).max(10_000).meta({ description: 'Vertical rise in metres.', example: 350 }),
});

export const liftList = z.object({ resortID: positiveInt32('The resort.'), lifts: z.array(lift) });

export const resortCreated = z.object({ resortID: positiveInt32('The new resort.'), resortName: z.string() });

/** GET /resorts/{resortID}: one resort with its seasons and lifts. */
export const resortDetail = z.object({
  resortID: positiveInt32('The resort.'),
  resortName: z.string(),
  seasons: z.array(seasonId()),
  lifts: z.array(lift),
});

export type ResortList = z.infer<typeof resortList>;
export type Lift = z.infer<typeof lift>;
export type ResortDetail = z.infer<typeof resortDetail>;
