import { z } from 'zod';
import { INT32_MAX } from '../fields.ts';

/** One ride as a message carries it: its natural key (all but `vertical`) and the lift's vertical rise. */
const messageRide = z.object({
  resortID: z.int().min(1).max(INT32_MAX),
  seasonID: z.string().regex(/^[0-9]{4}$/),
  dayID: z.int().min(1).max(366),
  skierID: z.int().min(1).max(INT32_MAX),
  liftID: z.int().min(1).max(INT32_MAX),
  time: z.int().min(1).max(1440),
  /** The lift's vertical rise when the API accepted the ride, metres. */
  vertical: z.int().min(0).max(100_000),
});

/**
 * The message of the first version: one ride each. The API no longer publishes it, but the worker still
 * accepts it, so that a queue that holds such messages drains across an upgrade.
 */
export const liftRideRecordedV1 = z.object({
  type: z.literal('lift-ride.recorded'),
  schemaVersion: z.literal(1),
  ride: messageRide,
  requestId: z.string().max(200).optional(),
  acceptedAt: z.iso.datetime(),
});

export type LiftRideRecordedV1 = z.infer<typeof liftRideRecordedV1>;

/** One ride of a version 2 message, with the id of the request that sent it. */
export const recordedRide = messageRide.extend({ requestId: z.string().max(200).optional() });
export type RecordedRide = z.infer<typeof recordedRide>;

/** The most rides one message may carry; the API's group commit sends fewer (its own count and byte limits). */
export const MAX_RIDES_PER_MESSAGE = 1_000;

/**
 * The message the lift-ride API publishes (group commit, DESIGN §5): the rides accepted while earlier
 * publishes awaited their confirms, together. Each ride is checked on its own (`parseLiftRideMessage`), so
 * that one bad ride does not take its neighbours with it.
 */
const liftRideRecordedV2Envelope = z.object({
  type: z.literal('lift-ride.recorded'),
  schemaVersion: z.literal(2),
  rides: z.array(z.unknown()).min(1).max(MAX_RIDES_PER_MESSAGE),
  acceptedAt: z.iso.datetime(),
});

export interface LiftRideRecordedV2 {
  type: 'lift-ride.recorded';
  schemaVersion: 2;
  rides: RecordedRide[];
  acceptedAt: string;
}

/** What a message holds: its valid rides, and each invalid one with the reason; or why the message as a whole is not one. */
export type ParsedLiftRideMessage =
  | { ok: true; rides: RecordedRide[]; invalid: { ride: unknown; reason: string }[] }
  | { ok: false; reason: string };

const reasonOf = (error: z.ZodError) =>
  error.issues.map((i) => `${i.path.length > 0 ? `${i.path.join('.')}: ` : ''}${i.message}`).join('; ');

/**
 * Reads a lift-ride message of either version. A message that is not one (another type or version, no
 * rides) is refused whole; in a version 2 message every ride is checked on its own.
 */
export function parseLiftRideMessage(json: unknown): ParsedLiftRideMessage {
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version === 1) {
    const v1 = liftRideRecordedV1.safeParse(json);
    if (!v1.success) return { ok: false, reason: reasonOf(v1.error) };
    return { ok: true, rides: [{ ...v1.data.ride, requestId: v1.data.requestId }], invalid: [] };
  }
  const envelope = liftRideRecordedV2Envelope.safeParse(json);
  if (!envelope.success) return { ok: false, reason: reasonOf(envelope.error) };
  const rides: RecordedRide[] = [];
  const invalid: { ride: unknown; reason: string }[] = [];
  for (const candidate of envelope.data.rides) {
    const ride = recordedRide.safeParse(candidate);
    if (ride.success) rides.push(ride.data);
    else invalid.push({ ride: candidate, reason: reasonOf(ride.error) });
  }
  return { ok: true, rides, invalid };
}

/** The body of a version 2 message holding `rides`. */
export function liftRideMessage(rides: RecordedRide[], acceptedAt = new Date()): LiftRideRecordedV2 {
  return { type: 'lift-ride.recorded', schemaVersion: 2, rides, acceptedAt: acceptedAt.toISOString() };
}
