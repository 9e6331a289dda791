import type { LiftRideBody, ResortDetail } from '@skico/contracts';
import { notFound } from '@skico/errors';
import type { Ride } from './ride.ts';

/** Resort metadata (seasons, lifts and their vertical rise) by resort id; undefined for no such resort. */
export interface ResortMetadata {
  get(resortID: number): Promise<ResortDetail | undefined>;
}

export interface RideRequest extends LiftRideBody {
  resortID: number;
  seasonID: string;
  dayID: number;
  skierID: number;
}

/**
 * The resort's metadata, once it is known to have the season.
 * @throws AppError not-found for an unknown resort or season.
 */
export async function checkResortSeason(
  metadata: ResortMetadata,
  resortID: number,
  seasonID: string,
): Promise<ResortDetail> {
  const resort = await metadata.get(resortID);
  if (!resort) throw notFound('RESORT_NOT_FOUND', `Resort ${resortID} does not exist.`);
  if (!resort.seasons.includes(seasonID)) {
    throw notFound('SEASON_NOT_FOUND', `Resort ${resortID} has no season ${seasonID}.`);
  }
  return resort;
}

/**
 * Checks a ride against the resort's metadata and gives it the lift's vertical rise.
 * @throws AppError not-found for an unknown resort, season or lift.
 */
export async function checkRide(metadata: ResortMetadata, request: RideRequest): Promise<Ride> {
  const resort = await checkResortSeason(metadata, request.resortID, request.seasonID);
  const lift = resort.lifts.find((l) => l.liftID === request.liftID);
  if (!lift) throw notFound('LIFT_NOT_FOUND', `Resort ${request.resortID} has no lift ${request.liftID}.`);
  return { ...request, vertical: lift.verticalRise };
}
