import { dayParams, liftRideBody, liftRideParams, skierParams, skierStatsQuery, verticalQuery } from '@skico/contracts';
import { notFound } from '@skico/errors';
import { type DirectHandler, headerOf, jsonOf, parseRequest, queryOf, requestBudget, sendJson } from '@skico/http';
import { Router } from 'express';
import type { RecordRide } from '../domain/record-ride.ts';
import type { RideReads } from '../domain/ride-reads.ts';

/**
 * The handlers of the contract's lift-ride operations, by operation id. They are served without express
 * (the hot path: every ride and most reads), from the contract's matcher.
 */
export function rideHandlers(deps: { record: RecordRide; reads: RideReads }): Record<string, DirectHandler> {
  return {
    recordLiftRide: async (req, res) => {
      const params = parseRequest(liftRideParams, req.params, 'path');
      const body = parseRequest(liftRideBody, jsonOf(req), 'body');
      const ride = await deps.record(
        { ...params, ...body },
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

    getSkierDayVertical: async (req, res) => {
      const { resortID, seasonID, dayID, skierID } = parseRequest(liftRideParams, req.params, 'path');
      const vertical = await deps.reads.dayVertical(resortID, seasonID, dayID, skierID);
      if (vertical === undefined) {
        throw notFound(
          'SKIER_DAY_NOT_FOUND',
          `Skier ${skierID} has no rides at resort ${resortID} on day ${dayID} of ${seasonID}.`,
        );
      }
      sendJson(res, 200, vertical);
    },

    getSkierVertical: async (req, res) => {
      const { skierID } = parseRequest(skierParams, req.params, 'path');
      const query = parseRequest(verticalQuery, queryOf(req), 'query');
      sendJson(res, 200, { resorts: await deps.reads.seasonTotals(skierID, query.resort, query.season) });
    },

    getUniqueSkiers: async (req, res) => {
      const { resortID, seasonID, dayID } = parseRequest(dayParams, req.params, 'path');
      sendJson(res, 200, await deps.reads.uniqueSkiers(resortID, seasonID, dayID));
    },

    getLiftWaitTimes: async (req, res) => {
      const { resortID, seasonID, dayID } = parseRequest(dayParams, req.params, 'path');
      sendJson(res, 200, await deps.reads.waitTimes(resortID, seasonID, dayID));
    },
  };
}

/** The skier service's view of a skier's rides, for the profile page; not in the contract, not routed by the gateway. */
export function internalRouter(deps: { reads: RideReads }): Router {
  const router = Router();
  router.get('/internal/skiers/:skierID/stats', async (req, res) => {
    const { skierID } = parseRequest(skierParams, req.params, 'path');
    const { season } = parseRequest(skierStatsQuery, req.query, 'query');
    res.json(await deps.reads.skierStats(skierID, season));
  });
  return router;
}
