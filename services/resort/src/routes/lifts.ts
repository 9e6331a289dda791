import { liftParams, liftPutBody, resortParams } from '@skico/contracts';
import { parseRequest } from '@skico/http';
import { Router } from 'express';
import type { LiftRepository } from '../data/lift-repository.ts';
import { resortNotFound } from '../domain/errors.ts';

export function liftsRouter(deps: { lifts: LiftRepository }): Router {
  const router = Router();

  router.get('/resorts/:resortID/lifts', async (req, res) => {
    const { resortID } = parseRequest(resortParams, req.params, 'path');
    const lifts = await deps.lifts.list(resortID);
    if (!lifts) throw resortNotFound(resortID);
    res.json({ resortID, lifts });
  });

  router.put('/resorts/:resortID/lifts/:liftID', async (req, res) => {
    const { resortID, liftID } = parseRequest(liftParams, req.params, 'path');
    const body = parseRequest(liftPutBody, req.body, 'body');
    const saved = await deps.lifts.put(resortID, liftID, body);
    if (!saved) throw resortNotFound(resortID);
    if (saved.created) res.status(201).location(`/resorts/${resortID}/lifts/${liftID}`);
    res.json(saved.lift);
  });

  return router;
}
