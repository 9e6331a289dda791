import type { OperationOf } from '@skico/contracts';
import { type Handlers, sendJson, sharedFor } from '@skico/http';
import type { ResortRepository } from '../data/resort-repository.ts';
import { resortNameTaken, resortNotFound } from '../domain/errors.ts';

/**
 * The resort list changes only when an operator creates a resort, and is read often (each client's first
 * call): the calls within this time share one query. A create in this process forgets the shared list at
 * once; another replica's create shows here within this time.
 */
const LIST_SHARED_MS = 1_000;

export function resortHandlers(deps: {
  resorts: ResortRepository;
}): Handlers<OperationOf<'resort', 'listResorts' | 'createResort' | 'getResort'>> {
  // A failed query is not shared: the next call tries again.
  const list = sharedFor(LIST_SHARED_MS, () =>
    deps.resorts.list().catch((err: unknown) => {
      list.forget();
      throw err;
    }),
  );
  return {
    listResorts: async (_req, res) => {
      sendJson(res, 200, { resorts: await list() });
    },

    createResort: async ({ body: { resortName } }, res) => {
      const created = await deps.resorts.create(resortName);
      if (!created) throw resortNameTaken(resortName);
      list.forget();
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
