import { dayParams, liftRideBody, liftRideParams, skierParams, skierStatsQuery, verticalQuery } from '@skico/contracts';
import { notFound } from '@skico/errors';
import { parseRequest, requestBudget } from '@skico/http';
import { Router } from 'express';
import type { RideService } from '../domain/ride-service.ts';

const ridePath = '/skiers/:resortID/seasons/:seasonID/days/:dayID/skiers/:skierID';

export function ridesRouter(deps: { rides: RideService }): Router {
  const router = Router();

  router.post(ridePath, async (req, res) => {
    const params = parseRequest(liftRideParams, req.params, 'path');
    const body = parseRequest(liftRideBody, req.body, 'body');
    const ride = await deps.rides.record(
      { ...params, ...body },
      { idempotencyKey: req.get('idempotency-key'), requestId: String(req.id), budgetMs: requestBudget(req) },
    );
    res.status(201).json({
      resortID: ride.resortID,
      seasonID: ride.seasonID,
      dayID: ride.dayID,
      skierID: ride.skierID,
      time: ride.time,
      liftID: ride.liftID,
    });
  });

  router.get(ridePath, async (req, res) => {
    const { resortID, seasonID, dayID, skierID } = parseRequest(liftRideParams, req.params, 'path');
    const vertical = await deps.rides.dayVertical(resortID, seasonID, dayID, skierID);
    if (vertical === undefined) {
      throw notFound(
        'SKIER_DAY_NOT_FOUND',
        `Skier ${skierID} has no rides at resort ${resortID} on day ${dayID} of ${seasonID}.`,
      );
    }
    res.json(vertical);
  });

  router.get('/skiers/:skierID/vertical', async (req, res) => {
    const { skierID } = parseRequest(skierParams, req.params, 'path');
    const query = parseRequest(verticalQuery, req.query, 'query');
    res.json({ resorts: await deps.rides.seasonTotals(skierID, query.resort, query.season) });
  });

  router.get('/resorts/:resortID/seasons/:seasonID/day/:dayID/skiers', async (req, res) => {
    const { resortID, seasonID, dayID } = parseRequest(dayParams, req.params, 'path');
    res.json(await deps.rides.uniqueSkiers(resortID, seasonID, dayID));
  });

  router.get('/resorts/:resortID/seasons/:seasonID/days/:dayID/lifts/wait-times', async (req, res) => {
    const { resortID, seasonID, dayID } = parseRequest(dayParams, req.params, 'path');
    res.json(await deps.rides.waitTimes(resortID, seasonID, dayID));
  });

  // For the skier service's profile page; not routed by the gateway.
  router.get('/internal/skiers/:skierID/stats', async (req, res) => {
    const { skierID } = parseRequest(skierParams, req.params, 'path');
    const { season } = parseRequest(skierStatsQuery, req.query, 'query');
    res.json(await deps.rides.skierStats(skierID, season));
  });

  return router;
}
