import type { OperationOf } from '@skico/contracts';
import { type Handlers, sendJson } from '@skico/http';
import type { ResortRepository } from '../data/resort-repository.ts';
import { resortNameTaken, resortNotFound } from '../domain/errors.ts';

export function resortHandlers(deps: {
  resorts: ResortRepository;
}): Handlers<OperationOf<'resort', 'listResorts' | 'createResort' | 'getResort'>> {
  return {
    listResorts: async (_req, res) => {
      sendJson(res, 200, { resorts: await deps.resorts.list() });
    },

    createResort: async ({ body: { resortName } }, res) => {
      const created = await deps.resorts.create(resortName);
      if (!created) throw resortNameTaken(resortName);
      res.setHeader('Location', `/resorts/${created.resortID}`);
      sendJson(res, 201, created);
    },

    getResort: async ({ params: { resortID } }, res) => {
      const detail = await deps.resorts.detail(resortID);
      if (!detail) throw resortNotFound(resortID);
      sendJson(res, 200, detail);
    },
  };
}
