import type { ServiceOperation } from '@skico/contracts';
import { notFound } from '@skico/errors';
import { type Handlers, headerOf, requestBudget, sendJson } from '@skico/http';
import type { RecordRide } from '../domain/record-ride.ts';
import type { RideReads } from '../domain/ride-reads.ts';

/**
 * The handlers of the contract's lift-ride operations, by operation id, its internal one included. They are
 * served without express (the hot path: every ride and most reads).
 */
export function rideHandlers(deps: { record: RecordRide; reads: RideReads }): Handlers<ServiceOperation<'lift-ride'>> {
  return {
    recordLiftRide: async (req, res) => {
      const ride = await deps.record(
        { ...req.params, ...req.body },
        { idempotencyKey: headerOf(req, 'idempotency-key'), requestId: req.id, budgetMs: requestBudget(req) },
      );
      sendJson(res, 201, {
        resortID: ride.resortID,
        seasonID: ride.seasonID,
        dayID: ride.dayID,
        skierID: ride.skierID,
        time: ride.time,
        liftID: ride.liftID,
      });
    },

    getSkierDayVertical: async ({ params: { resortID, seasonID, dayID, skierID } }, res) => {
      const vertical = await deps.reads.dayVertical(resortID, seasonID, dayID, skierID);
      if (vertical === undefined) {
        throw notFound(
          'SKIER_DAY_NOT_FOUND',
          `Skier ${skierID} has no rides at resort ${resortID} on day ${dayID} of ${seasonID}.`,
        );
      }
      sendJson(res, 200, vertical);
    },

    getSkierVertical: async ({ params: { skierID }, query }, res) => {
      sendJson(res, 200, { resorts: await deps.reads.seasonTotals(skierID, query.resort, query.season) });
    },

    getUniqueSkiers: async ({ params: { resortID, seasonID, dayID } }, res) => {
      sendJson(res, 200, await deps.reads.uniqueSkiers(resortID, seasonID, dayID));
    },

    getLiftWaitTimes: async ({ params: { resortID, seasonID, dayID } }, res) => {
      sendJson(res, 200, await deps.reads.waitTimes(resortID, seasonID, dayID));
    },

    // Internal: the skier service's view of a skier's rides, for its profile answer.
    getSkierSeasonStats: async ({ params: { skierID }, query: { season } }, res) => {
      sendJson(res, 200, await deps.reads.skierStats(skierID, season));
    },
  };
}
