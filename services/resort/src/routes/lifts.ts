import type { OperationOf } from '@skico/contracts';
import { type Handlers, sendJson } from '@skico/http';
import type { LiftRepository } from '../data/lift-repository.ts';
import { resortNotFound } from '../domain/errors.ts';

export function liftHandlers(deps: {
  lifts: LiftRepository;
}): Handlers<OperationOf<'resort', 'listLifts' | 'putLift'>> {
  return {
    listLifts: async ({ params: { resortID } }, res) => {
      const lifts = await deps.lifts.list(resortID);
      if (!lifts) throw resortNotFound(resortID);
      sendJson(res, 200, { resortID, lifts });
    },

    putLift: async ({ params: { resortID, liftID }, body }, res) => {
      const saved = await deps.lifts.put(resortID, liftID, body);
      if (!saved) throw resortNotFound(resortID);
      if (saved.created) res.setHeader('Location', `/resorts/${resortID}/lifts/${liftID}`);
      sendJson(res, saved.created ? 201 : 200, saved.lift);
    },
  };
}
