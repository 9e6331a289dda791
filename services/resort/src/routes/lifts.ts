import { liftParams, liftPutBody, resortParams } from '@skico/contracts';
import { type DirectHandler, jsonOf, parseRequest, sendJson } from '@skico/http';
import type { LiftRepository } from '../data/lift-repository.ts';
import { resortNotFound } from '../domain/errors.ts';

export function liftHandlers(deps: { lifts: LiftRepository }): Record<string, DirectHandler> {
  return {
    listLifts: async (req, res) => {
      const { resortID } = parseRequest(resortParams, req.params, 'path');
      const lifts = await deps.lifts.list(resortID);
      if (!lifts) throw resortNotFound(resortID);
      sendJson(res, 200, { resortID, lifts });
    },

    putLift: async (req, res) => {
      const { resortID, liftID } = parseRequest(liftParams, req.params, 'path');
      const body = parseRequest(liftPutBody, jsonOf(req), 'body');
      const saved = await deps.lifts.put(resortID, liftID, body);
      if (!saved) throw resortNotFound(resortID);
      if (saved.created) res.setHeader('Location', `/resorts/${resortID}/lifts/${liftID}`);
      sendJson(res, saved.created ? 201 : 200, saved.lift);
    },
  };
}
