import { liftRideMessage, parseLiftRideMessage, type RecordedRide } from '@skico/contracts';
import type { Delivery, Part } from '@skico/messaging';
import { RIDES_HEADER } from './accept-ride.ts';
import { rideKey } from './ride.ts';

/** A lift-ride message as the worker reads it: its valid rides and its invalid ones, or why it is none. */
export type ReadMessage =
  | { ok: true; rides: RecordedRide[]; invalid: { ride: unknown; reason: string }[]; acceptedAt: Date }
  | { ok: false; reason: string };

/** Reads a delivery as a lift-ride message of either version (`parseLiftRideMessage`). */
export function readRideMessage(delivery: Delivery): ReadMessage {
  let json: unknown;
  try {
    json = JSON.parse(delivery.body.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  const parsed = parseLiftRideMessage(json);
  if (!parsed.ok) return parsed;
  // Both versions require it, as an ISO date-time.
  return { ...parsed, acceptedAt: new Date((json as { acceptedAt: string }).acceptedAt) };
}

const keyFields = ['resortID', 'seasonID', 'dayID', 'skierID', 'liftID', 'time'] as const;

/** The natural key of a ride that may be invalid, when it has every key field. */
export function keyOfRaw(ride: unknown): string | undefined {
  if (typeof ride !== 'object' || ride === null) return undefined;
  const fields = ride as Record<string, unknown>;
  const complete = keyFields.every((f) => typeof fields[f] === 'number' || typeof fields[f] === 'string');
  return complete ? rideKey(fields as unknown as RecordedRide) : undefined;
}

const requestIdOf = (ride: unknown) => {
  const id = (ride as { requestId?: unknown } | null)?.requestId;
  return typeof id === 'string' ? id : undefined;
};

/**
 * One ride as a message of its own (version 2), keyed by the ride: a ride that failed goes on alone
 * ('retry'), and an invalid one is dead-lettered alone with its reason ('reject'), its neighbours done.
 * The ride is carried as it came (raw), so that a dead letter shows what was sent.
 */
export function ridePart(
  ride: unknown,
  part: { outcome: 'retry' | 'reject'; reason: string; acceptedAt: Date; messageId: string },
): Part {
  const body = { ...liftRideMessage([], part.acceptedAt), rides: [ride] };
  const requestId = requestIdOf(ride);
  return {
    body: Buffer.from(JSON.stringify(body)),
    messageId: keyOfRaw(ride) ?? part.messageId,
    outcome: part.outcome,
    reason: part.reason,
    headers: { [RIDES_HEADER]: 1, ...(requestId === undefined ? {} : { 'x-request-id': requestId }) },
  };
}
