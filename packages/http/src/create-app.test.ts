import { AppError } from '@skico/errors';
import { createLogger } from '@skico/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from './create-app.ts';
import { type DirectHandler, type DirectMatch, directOperations } from './direct.ts';
import { listen, type RunningServer } from './server.ts';
import { jsonOf, queryOf, sendJson } from './stages.ts';

// A served app of each kind: contract-like operations answered directly, the rest by express.
const operations = [
  { path: '/items/{itemID}', method: 'GET', id: 'getItem' },
  { path: '/items', method: 'POST', id: 'addItem' },
  { path: '/search', method: 'GET', id: 'search' },
  { path: '/unserved', method: 'GET', id: 'unserved' },
] as const;
type Op = (typeof operations)[number];

function find(req: { method?: string; url?: string }): DirectMatch<Op> | undefined {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  for (const operation of operations) {
    if (operation.method !== req.method) continue;
    if (operation.path === path) return { operation, params: {} };
    const item = /^\/items\/([^/]+)$/.exec(path);
    if (operation.id === 'getItem' && item?.[1]) return { operation, params: { itemID: item[1] } };
  }
  return undefined;
}

const handlers: Partial<Record<Op['id'], DirectHandler>> = {
  getItem: (req, res) => {
    if (req.params.itemID === 'gone') throw new AppError('not-found', 'ITEM_NOT_FOUND', 'No such item.');
    sendJson(res, 200, { itemID: req.params.itemID, route: req.routeTemplate });
  },
  addItem: async (req, res) => sendJson(res, 201, { got: jsonOf(req) }),
  search: (req, res) => sendJson(res, 200, queryOf(req)),
};

let server: RunningServer;
let base: string;
beforeAll(async () => {
  const app = createHttpApp({
    log: createLogger({ service: 'test', level: 'silent' }),
    bodyLimitBytes: 64,
    operations: directOperations(find, (operation: Op) => handlers[operation.id]),
    routes: (express) => express.get('/by-express', (_req, res) => res.json({ by: 'express' })),
  });
  server = await listen(app, { port: 0 });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(() => server.close(1_000));

const post = (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${base}/items`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

describe('createHttpApp', () => {
  it('when a request is for a direct operation, then its handler answers with the path parameters and the route template', async () => {
    const res = await fetch(`${base}/items/42`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ itemID: '42', route: '/items/:itemID' });
  });

  it('when a request is for anything else, then express serves it, or answers 404 as problem+json', async () => {
    expect(await (await fetch(`${base}/by-express`)).json()).toEqual({ by: 'express' });
    const missing = await fetch(`${base}/unserved`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(((await missing.json()) as { code: string }).code).toBe('ROUTE_NOT_FOUND');
  });

  it('when a direct handler throws, then the answer is its problem, with the request id', async () => {
    const res = await fetch(`${base}/items/gone`, { headers: { 'x-request-id': 'req-1' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ status: 404, code: 'ITEM_NOT_FOUND', requestId: 'req-1' });
  });

  it('when a JSON body is posted, then the handler reads it; an empty one is {} and another type is none', async () => {
    expect(await (await post('{"a":[1,2]}')).json()).toEqual({ got: { a: [1, 2] } });
    expect(await (await post('')).json()).toEqual({ got: {} });
    expect(await (await post('{"a":1}', { 'content-type': 'text/plain' })).json()).toEqual({});
  });

  it.each([
    ['malformed JSON', '{"a":', {}, 400, 'MALFORMED_JSON'],
    [
      'a charset other than UTF-8',
      '{"a":1}',
      { 'content-type': 'application/json; charset=utf-16' },
      400,
      'UNSUPPORTED_ENCODING',
    ],
    ['a compressed body', '{"a":1}', { 'content-encoding': 'gzip' }, 400, 'UNSUPPORTED_ENCODING'],
    ['a body over the limit', `{"a":"${'x'.repeat(100)}"}`, {}, 413, 'BODY_TOO_LARGE'],
  ])('when %s is posted, then it is refused before the handler', async (_name, body, headers, status, code) => {
    const res = await post(body, headers);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { code: string }).code).toBe(code);
  });

  it('when a body over the limit comes without a declared length, then it is refused as it streams', async () => {
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('"xxxxxxxxxxxxxxxxxxxx"'));
        controller.close();
      },
    });
    const res = await fetch(`${base}/items`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
  });

  it('when a query repeats a key, then it reads as a list, as express reads it', async () => {
    expect(await (await fetch(`${base}/search?resort=1&resort=2&season=2025`)).json()).toEqual({
      resort: ['1', '2'],
      season: '2025',
    });
  });

  it('when a path is not valid percent-encoded UTF-8, then a direct operation answers 400', async () => {
    const res = await fetch(`${base}/items/%E0%A4%A`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('MALFORMED_URL');
  });
});
