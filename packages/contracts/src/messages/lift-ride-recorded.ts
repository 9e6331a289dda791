import { z } from 'zod';
import { INT32_MAX } from '../fields.ts';

/**
 * The message the lift-ride API publishes for every accepted ride and the worker consumes. Versioned:
 * a consumer validates `type` and `schemaVersion` first, and a change of shape is a new version.
 */
export const liftRideRecordedV1 = z.object({
  type: z.literal('lift-ride.recorded'),
  schemaVersion: z.literal(1),
  ride: z.object({
    resortID: z.int().min(1).max(INT32_MAX),
    seasonID: z.string().regex(/^[0-9]{4}$/),
    dayID: z.int().min(1).max(366),
    skierID: z.int().min(1).max(INT32_MAX),
    liftID: z.int().min(1).max(INT32_MAX),
    time: z.int().min(1).max(1440),
    /** The lift's vertical rise when the API accepted the ride, metres. */
    vertical: z.int().min(0).max(100_000),
  }),
  requestId: z.string().max(200).optional(),
  acceptedAt: z.iso.datetime(),
});

export type LiftRideRecordedV1 = z.infer<typeof liftRideRecordedV1>;
