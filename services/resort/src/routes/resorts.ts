import { resortCreateBody, resortParams } from '@skico/contracts';
import { type DirectHandler, jsonOf, parseRequest, sendJson } from '@skico/http';
import type { ResortRepository } from '../data/resort-repository.ts';
import { resortNameTaken, resortNotFound } from '../domain/errors.ts';

export function resortHandlers(deps: { resorts: ResortRepository }): Record<string, DirectHandler> {
  return {
    listResorts: async (_req, res) => {
      sendJson(res, 200, { resorts: await deps.resorts.list() });
    },

    createResort: async (req, res) => {
      const { resortName } = parseRequest(resortCreateBody, jsonOf(req), 'body');
      const created = await deps.resorts.create(resortName);
      if (!created) throw resortNameTaken(resortName);
      res.setHeader('Location', `/resorts/${created.resortID}`);
      sendJson(res, 201, created);
    },

    getResort: async (req, res) => {
      const { resortID } = parseRequest(resortParams, req.params, 'path');
      const detail = await deps.resorts.detail(resortID);
      if (!detail) throw resortNotFound(resortID);
      sendJson(res, 200, detail);
    },
  };
}
