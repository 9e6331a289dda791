import type { AcceptContext, AcceptRide } from './accept-ride.ts';
import { checkRide, type ResortMetadata, type RideRequest } from './check-ride.ts';
import type { Ride } from './ride.ts';

export interface RecordDeps {
  metadata: ResortMetadata;
  accept: AcceptRide;
}

/** Records a ride: checks it (`checkRide`), then accepts it (`createAcceptRide`); the worker persists it later. */
export async function recordRide(deps: RecordDeps, request: RideRequest, context: AcceptContext): Promise<Ride> {
  const ride = await checkRide(deps.metadata, request);
  await deps.accept(ride, context);
  return ride;
}

/** `recordRide` with its dependencies bound, as the route receives it. */
export type RecordRide = (request: RideRequest, context: AcceptContext) => Promise<Ride>;
