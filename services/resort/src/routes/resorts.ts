import { notFound } from '@skico/errors';
import { parseRequest } from '@skico/http';
import { Router } from 'express';
import { z } from 'zod';
import type { ResortRepository } from '../data/resort-repository.ts';

const resortPath = z.object({
  resortID: z.coerce
    .number()
    .int()
    .positive()
    .max(2 ** 31 - 1),
});

export function resortsRouter(deps: { resorts: ResortRepository }): Router {
  const router = Router();

  router.get('/resorts', async (_req, res) => {
    res.json({ resorts: await deps.resorts.list() });
  });

  router.get('/resorts/:resortID/seasons', async (req, res) => {
    const { resortID } = parseRequest(resortPath, req.params, 'path');
    const seasons = await deps.resorts.seasons(resortID);
    if (!seasons) throw notFound('RESORT_NOT_FOUND', `Resort ${resortID} does not exist.`);
    res.json({ seasons });
  });

  return router;
}
