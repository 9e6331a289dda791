import { createLogger } from '@skico/log';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { createHttpApp } from './create-app.ts';
import type { DirectMatch } from './direct.ts';
import { type Handler, type Handlers, serveOperations } from './serve-operations.ts';
import { listen, type RunningServer } from './server.ts';
import { sendJson } from './stages.ts';

// Contract-like operations with literal ids and their own schemas, as `defineOperation` types them.
const itemParams = z.object({
  itemID: z
    .string()
    .regex(/^[0-9]+$/)
    .transform(Number),
});
const getItem = {
  operationId: 'getItem' as const,
  path: '/items/{itemID}',
  params: itemParams,
  query: z.object({ full: z.enum(['yes', 'no']).optional() }),
};
const putItem = {
  operationId: 'putItem' as const,
  path: '/items/{itemID}',
  params: itemParams,
  body: z.object({ name: z.string().min(1) }),
};
const listItems = { operationId: 'listItems' as const, path: '/items' };
type ItemOperation = typeof getItem | typeof putItem | typeof listItems;

function find(req: { method?: string; url?: string }): DirectMatch<ItemOperation> | undefined {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/items' && req.method === 'GET') return { operation: listItems, params: {} };
  const item = /^\/items\/([^/]+)$/.exec(path)?.[1];
  if (item === undefined) return undefined;
  const operation = req.method === 'PUT' ? putItem : req.method === 'GET' ? getItem : undefined;
  return operation && { operation, params: { itemID: item } };
}

let server: RunningServer;
let base: string;
beforeAll(async () => {
  const app = createHttpApp({
    log: createLogger({ service: 'test', level: 'silent' }),
    operations: serveOperations(find, {
      getItem: ({ params, query }, res) => sendJson(res, 200, { itemID: params.itemID, full: query.full ?? 'no' }),
      putItem: ({ params, body }, res) => sendJson(res, 200, { itemID: params.itemID, name: body.name }),
      listItems: (_req, res) => sendJson(res, 200, []),
    }),
    routes: (app) => app.get('/by-express', (_req, res) => res.json({ by: 'express' })),
  });
  server = await listen(app, { port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close(1_000));

const problemOf = async (res: Response) => (await res.json()) as { code: string; detail: string };

describe('serveOperations', () => {
  it('when a request is valid, then its handler gets the parsed path parameters, query and body', async () => {
    expect(await (await fetch(`${base}/items/42?full=yes`)).json()).toEqual({ itemID: 42, full: 'yes' });
    const put = await fetch(`${base}/items/7`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"name":"chair"}',
    });
    expect(await put.json()).toEqual({ itemID: 7, name: 'chair' });
  });

  it.each([
    ['a path parameter', `/items/x`, {}, 'path parameter itemID'],
    ['a query parameter', `/items/1?full=maybe`, {}, 'query full'],
    [
      'a body',
      `/items/1`,
      { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{"name":""}' },
      'body name',
    ],
  ])(
    'when %s is invalid, then the answer is 400 before the handler, naming the field',
    async (_part, path, init, named) => {
      const res = await fetch(`${base}${path}`, init);
      expect(res.status).toBe(400);
      const problem = await problemOf(res);
      expect(problem.code).toBe('INVALID_REQUEST');
      expect(problem.detail).toContain(`Invalid ${named}`);
    },
  );

  it('when a request is for no operation, then express serves it', async () => {
    expect(await (await fetch(`${base}/by-express`)).json()).toEqual({ by: 'express' });
    expect(await (await fetch(`${base}/items`)).json()).toEqual([]);
  });

  it('when a table misses or misspells an operation id, then it does not type-check', () => {
    const answer = (_req: unknown, res: Parameters<Handler<ItemOperation>>[1]) => sendJson(res, 204, null);
    const complete: Handlers<ItemOperation> = { getItem: answer, putItem: answer, listItems: answer };
    // @ts-expect-error listItems has no handler
    const missing: Handlers<ItemOperation> = { getItem: answer, putItem: answer };
    const misspelt: Handlers<ItemOperation> = {
      getItem: answer,
      putItem: answer,
      listItems: answer,
      // @ts-expect-error no operation is called listItem
      listItem: answer,
    };
    expect([complete, missing, misspelt].map((table) => Object.keys(table).length)).toEqual([3, 2, 4]);
  });

  it('when a handler is typed, then its input has the types of the operation’s schemas', () => {
    type GetRequest = Parameters<Handler<typeof getItem>>[0];
    expectTypeOf<GetRequest['params']>().toEqualTypeOf<{ itemID: number }>();
    expectTypeOf<GetRequest['query']>().toEqualTypeOf<{ full?: 'yes' | 'no' | undefined }>();
    type ListRequest = Parameters<Handler<typeof listItems>>[0];
    expectTypeOf<ListRequest['params']>().toEqualTypeOf<Record<string, string>>();
    expectTypeOf<ListRequest['query']>().toEqualTypeOf<undefined>();
  });
});
