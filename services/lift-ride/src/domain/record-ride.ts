import type { LiftRideBody } from '@skico/contracts';
import { notFound } from '@skico/errors';
import type { ResortMetadata } from '../data/resort-metadata.ts';
import type { Ride } from './ride.ts';

export interface RideRequest extends LiftRideBody {
  resortID: number;
  seasonID: string;
  dayID: number;
  skierID: number;
}

/**
 * Checks a ride against the resort's metadata and gives it the lift's vertical rise.
 * @throws AppError not-found for an unknown resort, season or lift.
 */
export async function resolveRide(metadata: ResortMetadata, request: RideRequest): Promise<Ride> {
  const resort = await metadata.get(request.resortID);
  if (!resort) throw notFound('RESORT_NOT_FOUND', `Resort ${request.resortID} does not exist.`);
  if (!resort.seasons.includes(request.seasonID)) {
    throw notFound('SEASON_NOT_FOUND', `Resort ${request.resortID} has no season ${request.seasonID}.`);
  }
  const lift = resort.lifts.find((l) => l.liftID === request.liftID);
  if (!lift) throw notFound('LIFT_NOT_FOUND', `Resort ${request.resortID} has no lift ${request.liftID}.`);
  return { ...request, vertical: lift.verticalRise };
}
