import type { OperationOf } from '@skico/contracts';
import { type Handlers, sendJson } from '@skico/http';
import type { SeasonRepository } from '../data/season-repository.ts';
import { resortNotFound } from '../domain/errors.ts';

export function seasonHandlers(deps: {
  seasons: SeasonRepository;
}): Handlers<OperationOf<'resort', 'listSeasons' | 'createSeason'>> {
  return {
    listSeasons: async ({ params: { resortID } }, res) => {
      const seasons = await deps.seasons.list(resortID);
      if (!seasons) throw resortNotFound(resortID);
      sendJson(res, 200, { seasons });
    },

    // Adding a season the resort already has answers 201 again: the course contract documents 201 and 404
    // only, and a client that retries after a lost answer must not see an error for what it asked for.
    createSeason: async ({ params: { resortID }, body: { year } }, res) => {
      if (!(await deps.seasons.add(resortID, year))) throw resortNotFound(resortID);
      sendJson(res, 201, { resortID, seasonID: year });
    },
  };
}
