import { operations } from '@skico/contracts';
import { startTestStack, type TestStack } from '@skico/stack';
import {
  type ApiAnswer,
  type ApiClient,
  createApiClient,
  createFaultProxy,
  type FaultProxy,
  viaProxy,
} from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenFor } from './security-kit.ts';

const allowedOrigin = 'https://app.skico.example';

let stack: TestStack;
let api: ApiClient;
let liftRide: FaultProxy;
// The lift-ride service's port is chosen when the stack starts; the proxy reads its target per connection.
const liftRideTarget = { host: '127.0.0.1', port: 0 };

beforeAll(async () => {
  liftRide = await createFaultProxy({ target: liftRideTarget });
  stack = await startTestStack({
    settings: {
      extra: { CORS_ORIGINS: `${allowedOrigin},http://127.0.0.1:3000` },
      rewrite: (name, env) => {
        if (name !== 'gateway') return env;
        liftRideTarget.port = Number(new URL(env.LIFT_RIDE_URL as string).port);
        return { ...env, LIFT_RIDE_URL: viaProxy(env.LIFT_RIDE_URL as string, liftRide) };
      },
    },
  });
  api = createApiClient(stack.gatewayUrl);
});

afterAll(async () => {
  await stack?.stop();
  await liftRide?.close();
});

/** What a leaked internal would look like: stack frames, source paths, hosts, drivers, SQL. */
const internals =
  /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\bError:|ECONN|EPIPE|127\.0\.0\.1|localhost|undici|ioredis|amqplib|opossum|postgres|_svc\b|SELECT |lift_ride\.|skier\.profiles|https?:\/\/[\w.-]+:\d+/i;

function expectHygiene(res: { status: number; headers: Headers }, text: string, label: string) {
  const h = res.headers;
  expect(h.get('x-powered-by'), label).toBeNull();
  expect(h.get('server'), label).toBeNull();
  expect(h.get('x-content-type-options'), label).toBe('nosniff');
  expect(h.get('x-frame-options'), label).toBe('DENY');
  expect(h.get('referrer-policy'), label).toBe('no-referrer');
  expect(h.get('strict-transport-security'), label).toMatch(/max-age=\d+/);
  expect(h.get('cross-origin-opener-policy'), label).toBe('same-origin');
  expect(h.get('cross-origin-resource-policy'), label).toBe('same-origin');
  expect(h.get('content-security-policy'), label).toContain("frame-ancestors 'none'");
  expect(h.get('x-request-id'), label).toMatch(/^[\w.:-]+$/);
  if (res.status >= 400) {
    expect(h.get('content-type'), label).toContain('application/problem+json');
    const problem = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(problem), label).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'message', 'code']),
    );
    expect(problem.status, label).toBe(res.status);
    expect(text, label).not.toMatch(internals);
  }
}

async function raw(path: string, init: RequestInit = {}) {
  const res = await fetch(`${stack.gatewayUrl}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  return { res, text: await res.text() };
}

describe('response hygiene', () => {
  it('when answers of every kind come back, then each carries the security headers and errors are clean problem+json', async () => {
    const admin = await tokenFor('ops', ['admin']);
    const skier = await tokenFor('42', ['skier']);
    const json = { 'content-type': 'application/json' };
    const cases: [string, string, RequestInit][] = [
      ['200', '/resorts', {}],
      ['201', '/skiers', { method: 'POST', headers: json, body: '{"name":"Hy","passType":"day"}' }],
      ['400 path', '/resorts/abc/seasons', {}],
      ['400 body', '/skiers', { method: 'POST', headers: json, body: '{"name":' }],
      ['400 header', '/resorts/1', { headers: { 'request-timeout': 'soon' } }],
      ['400 encoding', '/resorts/%ED%A0%80', {}],
      ['401', '/resorts', { method: 'POST', headers: json, body: '{"resortName":"x"}' }],
      ['403', '/resorts', { method: 'POST', headers: { ...json, ...skier }, body: '{"resortName":"x"}' }],
      ['404 resource', '/resorts/99999', {}],
      ['404 route', '/admin', {}],
      ['404 internal route', '/internal/skiers/1/stats', {}],
      ['404 dotfile', '/.env', {}],
      ['405', '/resorts/1/seasons', { method: 'DELETE', headers: admin }],
      ['405 PATCH', '/resorts', { method: 'PATCH' }],
      ['413', '/skiers', { method: 'POST', headers: json, body: `"${'x'.repeat(20_000)}"` }],
      ['414', `/resorts?q=${'x'.repeat(3_000)}`, {}],
      ['health', '/health/ready', {}],
      ['docs', '/docs', {}],
      ['openapi', '/openapi.json', {}],
    ];
    for (const [label, path, init] of cases) {
      const { res, text } = await raw(path, init);
      expectHygiene(res, text, label);
    }
  });

  it('when a known path is called with a method it lacks, then it is 405 with Allow, for every path of the contract', async () => {
    const paths = [...new Set(operations.map((op) => op.path))];
    for (const template of paths) {
      const path = template.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'seasonID' ? '2025' : '1'));
      const { res, text } = await raw(path, { method: 'PATCH' });
      expect(res.status, path).toBe(405);
      expect(res.headers.get('allow'), path).toBeTruthy();
      expectHygiene(res, text, path);
    }
  });

  it('when an upstream hangs or is gone, then the 503/504 says so without naming it', async () => {
    await liftRide.blackhole();
    try {
      const { res, text } = await raw('/resorts/1/seasons/2025/day/1/skiers', {
        headers: { 'request-timeout': '200' },
      });
      expect([503, 504]).toContain(res.status);
      expectHygiene(res, text, 'hung upstream');
    } finally {
      await liftRide.pass();
    }
    await liftRide.cut();
    try {
      const { res, text } = await raw('/skiers/1/seasons/2025/days/1/skiers/1', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"time":1,"liftID":1}',
      });
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
      expectHygiene(res, text, 'refused upstream');
    } finally {
      await liftRide.restore();
    }
  });

  it('when a request id is malformed, then it is replaced, never echoed', async () => {
    const { res } = await raw('/resorts', { headers: { 'x-request-id': '<script>alert(1)</script>' } });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('CORS', () => {
  const preflight = (origin: string, method = 'POST') =>
    raw('/skiers', {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type' },
    });

  it('when an allowed origin calls, then it may read the answer and the headers it needs, without credentials', async () => {
    const { res } = await raw('/resorts', { headers: { origin: allowedOrigin } });
    expect(res.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('access-control-expose-headers')).toContain('ratelimit-remaining');
    expect(res.headers.get('vary')).toContain('Origin');
    const pre = await preflight(allowedOrigin);
    expect(pre.res.status).toBe(204);
    expect(pre.res.headers.get('access-control-allow-origin')).toBe(allowedOrigin);
    expect(pre.res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, DELETE');
    expect(pre.res.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(pre.res.headers.get('access-control-max-age')).toBe('600');
  });

  it('when another origin calls, then no CORS header is given and its preflight is refused', async () => {
    for (const origin of [
      'https://evil.example',
      'https://app.skico.example.evil.example',
      'null',
      allowedOrigin.toUpperCase(),
    ]) {
      const { res } = await raw('/resorts', { headers: { origin } });
      expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
      const pre = await preflight(origin);
      expect(pre.res.status, origin).toBe(403);
      expect(pre.res.headers.get('access-control-allow-origin'), origin).toBeNull();
      expectHygiene(pre.res, pre.text, `preflight from ${origin}`);
    }
  });

  it('when OPTIONS is sent without a preflight, then it answers 204 with Allow, or 404 on an unknown path', async () => {
    const { res, text } = await raw('/resorts', { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('GET, POST');
    expect(text).toBe('');
    const unknown = await raw('/nowhere', { method: 'OPTIONS' });
    expect(unknown.res.status).toBe(404);
    expectHygiene(unknown.res, unknown.text, 'OPTIONS on an unknown path');
  });
});

describe('the contract', () => {
  it('when every answer of this file that the client saw is checked, then none departs from the document', async () => {
    const answers: ApiAnswer[] = [await api.get('/resorts'), await api.get('/resorts/abc')];
    expect(answers.map((a) => a.status)).toEqual([200, 400]);
    expect(api.violations()).toEqual([]);
  });
});
