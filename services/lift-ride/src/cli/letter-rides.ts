import { parseLiftRideMessage } from '@skico/contracts';
import type { DeadLetter } from '@skico/messaging';
import { rideKey } from '../domain/ride.ts';
import { keyOfRaw } from '../domain/ride-message.ts';

/** One ride of a dead letter: its natural key and request id, its fields, and why it was refused when it was. */
type LetterRide = { key: string | undefined; invalid?: string } & Record<string, unknown>;

/** The rides a dead letter carries, valid and invalid, or undefined when its body is not a lift-ride message. */
function ridesOf(letter: DeadLetter): LetterRide[] | undefined {
  let json: unknown;
  try {
    json = JSON.parse(letter.body);
  } catch {
    return undefined;
  }
  const parsed = parseLiftRideMessage(json);
  if (!parsed.ok) return undefined;
  return [
    ...parsed.rides.map((ride) => ({ key: rideKey(ride), ...ride })),
    ...parsed.invalid.map(({ ride, reason }) => ({
      key: keyOfRaw(ride),
      invalid: reason,
      ...(typeof ride === 'object' && ride !== null ? ride : { value: ride }),
    })),
  ];
}

/** A dead letter as the list command shows it: its facts and its rides, or its raw body when it has none. */
export function showLetter(letter: DeadLetter) {
  const { body, ...facts } = letter;
  const rides = ridesOf(letter);
  return rides === undefined ? { ...facts, body } : { ...facts, rides };
}

/** Whether a dead letter carries the ride of this natural key (`ride:resort:season:day:skier:lift:minute`). */
export function carriesRide(letter: DeadLetter, key: string): boolean {
  return ridesOf(letter)?.some((ride) => ride.key === key) ?? false;
}
