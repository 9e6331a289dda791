import { randomUUID } from 'node:crypto';
import { issueApiKey } from '@skico/auth';
import { startTestStack, type TestStack } from '@skico/stack';
import { type ApiClient, createApiClient, createFaultProxy, type FaultProxy, viaProxy } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY_SECRET } from '../src/config.ts';
import { rawExchange, tokenFor } from './security-kit.ts';

// Small budgets, so that a handful of requests reaches each limit; a long window, so none resets mid-test.
const budgets = { read: 5, ride: 4, write: 3, admin: 2 };

let stack: TestStack;
let api: ApiClient;
let redis: FaultProxy;
let resort: FaultProxy;
// The resort service's port is chosen when the stack starts; the proxy reads its target per connection.
const resortTarget = { host: '127.0.0.1', port: 0 };

/** A client of its own: a freshly issued API key, so that each test draws on budgets nobody else used. */
const client = () => ({ 'x-api-key': issueApiKey(DEVELOPMENT_API_KEY_SECRET, 'test').key });
const ride = (skier: number, time: number) =>
  [`/skiers/1/seasons/2025/days/1/skiers/${skier}`, { time, liftID: 1 }] as const;

function expectProblem(res: { status: number; headers: Headers; body: unknown }, status: number, code?: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  if (code) expect((res.body as { code: string }).code).toBe(code);
}

beforeAll(async () => {
  redis = await createFaultProxy({ target: { host: '127.0.0.1', port: 6379 } });
  resort = await createFaultProxy({ target: resortTarget });
  stack = await startTestStack({
    settings: {
      extra: {
        RATE_LIMIT_WINDOW_SECONDS: '60',
        RATE_LIMIT_READS: String(budgets.read),
        RATE_LIMIT_RIDES: String(budgets.ride),
        RATE_LIMIT_WRITES: String(budgets.write),
        RATE_LIMIT_ADMIN: String(budgets.admin),
      },
      rewrite: (name, env) => {
        if (name !== 'gateway') return env;
        resortTarget.port = Number(new URL(env.RESORT_URL as string).port);
        return {
          ...env,
          REDIS_URL: viaProxy(env.REDIS_URL as string, redis),
          RESORT_URL: viaProxy(env.RESORT_URL as string, resort),
        };
      },
    },
  });
  api = createApiClient(stack.gatewayUrl);
});

afterAll(async () => {
  await stack?.stop();
  await redis?.close();
  await resort?.close();
});

describe('rate limits', () => {
  it('when one address spends its read budget, then the next read is 429 with Retry-After and RateLimit-*', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < budgets.read; i++) {
      const res = await api.get('/resorts');
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe(String(budgets.read));
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await api.get('/resorts/1/seasons');
    expectProblem(refused, 429, 'RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
    // Health and docs are not rate-limited: probes keep working (metrics are on the internal listener).
    for (const path of ['/health/live', '/health/ready', '/openapi.json']) {
      expect((await fetch(`${stack.gatewayUrl}${path}`)).status, path).toBe(200);
    }
    // HEAD is served by the GET route, so it is counted as a read too.
    expect((await fetch(`${stack.gatewayUrl}/resorts`, { method: 'HEAD' })).status).toBe(429);
  });

  it('when a client sends an API key the system issued, then it has budgets of its own apart from its address', async () => {
    const [a, b] = [client(), client()];
    for (let i = 0; i < budgets.read; i++) expect((await api.get('/resorts', { headers: a })).status).toBe(200);
    expect((await api.get('/resorts', { headers: a })).status).toBe(429);
    expect((await api.get('/resorts', { headers: b })).status).toBe(200);
  });

  it('when a client sends a new unknown or forged key with each request, then it is limited by its address', async () => {
    // Rides, whose budget no other test of this file spends from this address.
    const forged = () => {
      const { key } = issueApiKey(`${DEVELOPMENT_API_KEY_SECRET}-guessed`, 'test');
      return { 'x-api-key': key };
    };
    const unknown = () => ({ 'x-api-key': `test-${randomUUID()}` });
    const statuses: number[] = [];
    for (let i = 1; i <= budgets.ride + 2; i++) {
      const [path, body] = ride(7_100, i);
      statuses.push((await api.post(path, body, { headers: i % 2 === 0 ? forged() : unknown() })).status);
    }
    expect(statuses).toEqual([...Array(budgets.ride).fill(201), 429, 429]);
    // The address's budget is spent for any key it makes up, but not for an issued one.
    const [path, body] = ride(7_100, 99);
    expect((await api.post(path, body)).status).toBe(429);
    expect((await api.post(path, body, { headers: client() })).status).toBe(201);
  });

  it('when one class of traffic is spent, then reads, rides, other writes and admin calls keep their own budgets', async () => {
    const me = client();
    const admin = { ...me, ...(await tokenFor('ops', ['admin'])) };
    for (let i = 1; i <= budgets.ride; i++) {
      const [path, body] = ride(7_001, i);
      expect((await api.post(path, body, { headers: me })).status).toBe(201);
    }
    const [path, body] = ride(7_001, 99);
    expectProblem(await api.post(path, body, { headers: me }), 429, 'RATE_LIMITED');

    expect((await api.get('/resorts', { headers: me })).status).toBe(200);
    const profile = { name: 'Budget', passType: 'day' };
    for (let i = 0; i < budgets.write; i++)
      expect((await api.post('/skiers', profile, { headers: me })).status).toBe(201);
    expect((await api.post('/skiers', profile, { headers: me })).status).toBe(429);
    for (let i = 0; i < budgets.admin; i++) {
      expect((await api.post('/resorts', { resortName: `Budget ${randomUUID()}` }, { headers: admin })).status).toBe(
        201,
      );
    }
    expect((await api.post('/resorts', { resortName: 'One too many' }, { headers: admin })).status).toBe(429);
    expect((await api.get('/resorts/1', { headers: me })).status).toBe(200);
  });

  it('when Redis is unreachable, then each gateway limits from its own memory instead of failing or letting all through', async () => {
    await redis.cut();
    try {
      const me = client();
      for (let i = 0; i < budgets.read; i++) expect((await api.get('/resorts', { headers: me })).status).toBe(200);
      expectProblem(await api.get('/resorts', { headers: me }), 429, 'RATE_LIMITED');
      expect((await api.get('/resorts', { headers: client() })).status).toBe(200);
    } finally {
      await redis.restore();
    }
  });
});

describe('request limits', () => {
  it('when a body exceeds 16 KiB, then it is 413 problem+json', async () => {
    const res = await api.call('POST', '/skiers', {
      rawBody: JSON.stringify({ name: 'x'.repeat(17 * 1024), passType: 'day' }),
      headers: { ...client(), 'content-type': 'application/json' },
    });
    expectProblem(res, 413, 'BODY_TOO_LARGE');
  });

  it('when the request head exceeds 16 KiB, then it is 431 problem+json and the connection closes', async () => {
    const answer = await rawExchange(stack.gatewayUrl, {
      send: `GET /resorts HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(17 * 1024)}\r\n\r\n`,
      giveUpMs: 5_000,
    });
    expect(answer.closed).toBe(true);
    expect(answer.text).toMatch(/^HTTP\/1\.1 431 /);
    expect(answer.text).toContain('application/problem+json');
    expect(answer.text).toContain('"code":"HEADERS_TOO_LARGE"');
  });

  it('when the URL is longer than 2048 characters, then it is 414 problem+json', async () => {
    expectProblem(await api.get(`/resorts/1?pad=${'a'.repeat(2_100)}`, { headers: client() }), 414, 'URL_TOO_LONG');
    expect((await api.get(`/resorts/1?pad=${'a'.repeat(1_900)}`, { headers: client() })).status).toBe(200);
  });

  it('when a query repeats keys beyond 20 parameters, then it is 400 naming the limit', async () => {
    const query = (n: number) => Array.from({ length: n }, () => 'resort=1').join('&');
    expectProblem(
      await api.get(`/skiers/9/vertical?${query(21)}`, { headers: client() }),
      400,
      'TOO_MANY_QUERY_PARAMETERS',
    );
    expect((await api.get(`/skiers/9/vertical?${query(20)}`, { headers: client() })).status).toBe(200);
  });

  it('when a JSON body nests deeper than 8 levels, then the gateway refuses it before any service parses it', async () => {
    const nested = (depth: number) => `{"name":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)},"passType":"day"}`;
    const call = (depth: number) =>
      api.call('POST', '/skiers', {
        rawBody: nested(depth),
        headers: { ...client(), 'content-type': 'application/json' },
      });
    expectProblem(await call(9), 400, 'JSON_TOO_DEEP');
    expectProblem(await call(3_000), 400, 'JSON_TOO_DEEP');
    // Within the limit it reaches the skier service, whose schema refuses it for what it is.
    expectProblem(await call(8), 400, 'INVALID_REQUEST');
  });

  it('when a client sends its headers or its body too slowly, then its connection is cut within seconds', async () => {
    const [slowHead, slowBody] = await Promise.all([
      rawExchange(stack.gatewayUrl, {
        send: 'GET /resorts HTTP/1.1\r\nHost: x\r\n',
        dribble: { chunk: 'X-Slow: 1\r\n', everyMs: 500 },
        giveUpMs: 20_000,
      }),
      rawExchange(stack.gatewayUrl, {
        send: 'POST /skiers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
        dribble: { chunk: ' ', everyMs: 500 },
        giveUpMs: 20_000,
      }),
    ]);
    // Headers within 5 s, the whole request within 10 s, each checked every second.
    expect(slowHead).toMatchObject({ closed: true });
    expect(slowHead.elapsedMs).toBeLessThan(8_000);
    expect(slowHead.text).toMatch(/^HTTP\/1\.1 408 /);
    expect(slowBody).toMatchObject({ closed: true });
    expect(slowBody.elapsedMs).toBeLessThan(13_000);
    expect(slowBody.text).toContain('408');
  });

  it('when an upstream hangs, then the request ends at its deadline with 503 or 504, never a hang', async () => {
    await resort.blackhole();
    try {
      const timed = async (headers: Record<string, string>) => {
        const started = Date.now();
        const res = await api.get('/resorts/1', { headers: { ...client(), ...headers } });
        return { res, elapsedMs: Date.now() - started };
      };
      const short = await timed({ 'request-timeout': '300' });
      expect([503, 504]).toContain(short.res.status);
      expect(short.res.headers.get('content-type')).toContain('application/problem+json');
      expect(short.elapsedMs).toBeLessThan(1_500);
      const standard = await timed({});
      expect([503, 504]).toContain(standard.res.status);
      expect(standard.elapsedMs).toBeLessThan(3_500);
    } finally {
      await resort.pass();
    }
  });

  it('when every answer of this file is checked against the OpenAPI document, then none departs from it', () => {
    expect(api.violations()).toEqual([]);
  });
});
