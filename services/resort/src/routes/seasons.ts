import { resortParams, seasonCreateBody } from '@skico/contracts';
import { type DirectHandler, jsonOf, parseRequest, sendJson } from '@skico/http';
import type { SeasonRepository } from '../data/season-repository.ts';
import { resortNotFound } from '../domain/errors.ts';

export function seasonHandlers(deps: { seasons: SeasonRepository }): Record<string, DirectHandler> {
  return {
    listSeasons: async (req, res) => {
      const { resortID } = parseRequest(resortParams, req.params, 'path');
      const seasons = await deps.seasons.list(resortID);
      if (!seasons) throw resortNotFound(resortID);
      sendJson(res, 200, { seasons });
    },

    // Adding a season the resort already has answers 201 again: the course contract documents 201 and 404
    // only, and a client that retries after a lost answer must not see an error for what it asked for.
    createSeason: async (req, res) => {
      const { resortID } = parseRequest(resortParams, req.params, 'path');
      const { year } = parseRequest(seasonCreateBody, jsonOf(req), 'body');
      if (!(await deps.seasons.add(resortID, year))) throw resortNotFound(resortID);
      sendJson(res, 201, { resortID, seasonID: year });
    },
  };
}
