import { resortParams, seasonCreateBody } from '@skico/contracts';
import { parseRequest } from '@skico/http';
import { Router } from 'express';
import type { SeasonRepository } from '../data/season-repository.ts';
import { resortNotFound } from '../domain/errors.ts';

export function seasonsRouter(deps: { seasons: SeasonRepository }): Router {
  const router = Router();

  router.get('/resorts/:resortID/seasons', async (req, res) => {
    const { resortID } = parseRequest(resortParams, req.params, 'path');
    const seasons = await deps.seasons.list(resortID);
    if (!seasons) throw resortNotFound(resortID);
    res.json({ seasons });
  });

  // Adding a season the resort already has answers 201 again: the course contract documents 201 and 404
  // only, and a client that retries after a lost answer must not see an error for what it asked for.
  router.post('/resorts/:resortID/seasons', async (req, res) => {
    const { resortID } = parseRequest(resortParams, req.params, 'path');
    const { year } = parseRequest(seasonCreateBody, req.body, 'body');
    if (!(await deps.seasons.add(resortID, year))) throw resortNotFound(resortID);
    res.status(201).json({ resortID, seasonID: year });
  });

  return router;
}
