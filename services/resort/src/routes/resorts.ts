import { resortCreateBody, resortParams } from '@skico/contracts';
import { parseRequest } from '@skico/http';
import { Router } from 'express';
import type { ResortRepository } from '../data/resort-repository.ts';
import { resortNameTaken, resortNotFound } from '../domain/errors.ts';

export function resortsRouter(deps: { resorts: ResortRepository }): Router {
  const router = Router();

  router.get('/resorts', async (_req, res) => {
    res.json({ resorts: await deps.resorts.list() });
  });

  router.post('/resorts', async (req, res) => {
    const { resortName } = parseRequest(resortCreateBody, req.body, 'body');
    const created = await deps.resorts.create(resortName);
    if (!created) throw resortNameTaken(resortName);
    res.status(201).location(`/resorts/${created.resortID}`).json(created);
  });

  router.get('/resorts/:resortID', async (req, res) => {
    const { resortID } = parseRequest(resortParams, req.params, 'path');
    const detail = await deps.resorts.detail(resortID);
    if (!detail) throw resortNotFound(resortID);
    res.json(detail);
  });

  return router;
}
