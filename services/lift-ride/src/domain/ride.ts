/** One lift ride, identified by its natural key (resort, season, day, skier, lift, minute). */
export interface Ride {
  resortID: number;
  seasonID: string;
  dayID: number;
  skierID: number;
  liftID: number;
  time: number;
  /** The lift's vertical rise when the ride was accepted. */
  vertical: number;
}

/** The natural key as one string: the message id when the client sent no Idempotency-Key. */
export function rideKey(ride: Omit<Ride, 'vertical'>): string {
  return `ride:${ride.resortID}:${ride.seasonID}:${ride.dayID}:${ride.skierID}:${ride.liftID}:${ride.time}`;
}

/** The cache keys whose answers a committed ride changes. */
export function keysChangedBy(ride: Pick<Ride, 'resortID' | 'seasonID' | 'dayID' | 'skierID'>): string[] {
  return [
    dayVerticalKey(ride.resortID, ride.seasonID, ride.dayID, ride.skierID),
    skierTotalsKey(ride.skierID),
    skierStatsKey(ride.skierID, ride.seasonID),
    skierStatsKey(ride.skierID, undefined),
    uniqueSkiersKey(ride.resortID, ride.seasonID, ride.dayID),
  ];
}

export const dayVerticalKey = (resortID: number, seasonID: string, dayID: number, skierID: number) =>
  `dayvert:${resortID}:${seasonID}:${dayID}:${skierID}`;
export const skierTotalsKey = (skierID: number) => `totals:${skierID}`;
export const skierStatsKey = (skierID: number, seasonID: string | undefined) => `stats:${skierID}:${seasonID ?? 'all'}`;
export const uniqueSkiersKey = (resortID: number, seasonID: string, dayID: number) =>
  `uniq:${resortID}:${seasonID}:${dayID}`;
export const waitTimesKey = (resortID: number, seasonID: string, dayID: number) =>
  `wait:${resortID}:${seasonID}:${dayID}`;
