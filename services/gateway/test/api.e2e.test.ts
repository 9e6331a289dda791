import { isDeepStrictEqual } from 'node:util';
import { mintToken } from '@skico/auth';
import { operations } from '@skico/contracts';
import { startTestStack, type TestStack } from '@skico/stack';
import { type ApiAnswer, type ApiClient, createApiClient, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';

const tokens = { secret: DEVELOPMENT_JWT_SECRET, issuer: 'skico', audience: 'skico-api' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const ride = (resort: number, day: number, skier: number) =>
  `/skiers/${resort}/seasons/2025/days/${day}/skiers/${skier}`;

let stack: TestStack;
let api: ApiClient;

/** Rides are written by the queue's worker, a moment after their 201: reads poll until they match. */
async function eventually<T>(path: string, expected: T): Promise<ApiAnswer> {
  let last: ApiAnswer | undefined;
  await waitFor(
    async () => {
      last = await api.get(path);
      return isDeepStrictEqual(last.body, expected);
    },
    { timeoutMs: 10_000, message: `${path} never answered ${JSON.stringify(expected)}` },
  ).catch(() => undefined);
  expect(last?.body).toEqual(expected);
  return last as ApiAnswer;
}
let admin: Record<string, string>;
let skierToken: (skierID: number) => Promise<Record<string, string>>;

beforeAll(async () => {
  stack = await startTestStack();
  api = createApiClient(stack.gatewayUrl);
  admin = bearer(await mintToken(tokens, { subject: 'ops', roles: ['admin'] }));
  skierToken = async (skierID) => bearer(await mintToken(tokens, { subject: String(skierID), roles: ['skier'] }));
});

afterAll(async () => {
  await stack?.stop();
});

describe('resorts (course contract)', () => {
  it('when resorts are listed, then the 10 seeded resorts come back in the course shape', async () => {
    const res = await api.get<{ resorts: { resortID: number; resortName: string }[] }>('/resorts');
    expect(res.status).toBe(200);
    expect(res.body.resorts.slice(0, 10).map((r) => r.resortID)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Object.keys(res.body.resorts[0] ?? {}).sort()).toEqual(['resortID', 'resortName']);
  });

  it('when seasons are listed, then 2024 and 2025 come back; unknown resort is 404, a bad id 400', async () => {
    expect((await api.get('/resorts/1/seasons')).body).toEqual({ seasons: ['2024', '2025'] });
    expect((await api.get('/resorts/99999/seasons')).status).toBe(404);
    for (const bad of ['abc', '0', '-1', '1.5', '2147483648']) {
      const res = await api.get<{ message: string; errors: { field: string }[] }>(`/resorts/${bad}/seasons`);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(res.body.message).toBeTruthy();
      expect(res.body.errors[0]?.field).toBe('resortID');
    }
  });

  it('when a season is added, then only an admin may, and it is listed afterwards', async () => {
    expect((await api.post('/resorts/2/seasons', { year: '2026' })).status).toBe(401);
    expect((await api.post('/resorts/2/seasons', { year: '2026' }, { headers: await skierToken(5) })).status).toBe(403);
    expect((await api.post('/resorts/2/seasons', { year: '26' }, { headers: admin })).status).toBe(400);
    expect((await api.post('/resorts/99999/seasons', { year: '2026' }, { headers: admin })).status).toBe(404);
    expect((await api.post('/resorts/2/seasons', { year: '2026' }, { headers: admin })).status).toBe(201);
    expect((await api.get('/resorts/2/seasons')).body).toEqual({ seasons: ['2024', '2025', '2026'] });
  });
});

describe('resorts, lifts and weather (extensions)', () => {
  let resortID: number;

  it('when an admin creates a resort, then it can be read with its lifts and seasons', async () => {
    const name = `Test Resort ${Date.now()}`;
    expect((await api.post('/resorts', { resortName: name })).status).toBe(401);
    expect((await api.post('/resorts', { resortName: name, extra: 1 }, { headers: admin })).status).toBe(400);
    const created = await api.post<{ resortID: number }>('/resorts', { resortName: name }, { headers: admin });
    expect(created.status).toBe(201);
    resortID = created.body.resortID;
    const detail = await api.get<{ resortName: string; lifts: unknown[]; seasons: unknown[] }>(`/resorts/${resortID}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ resortName: name, lifts: [], seasons: [] });
  });

  it('when lifts are listed, then each seeded lift rises 10 × its id metres', async () => {
    const res = await api.get<{ lifts: { liftID: number; verticalRise: number }[] }>('/resorts/3/lifts');
    expect(res.body.lifts).toHaveLength(40);
    expect(res.body.lifts.every((l) => l.verticalRise === 10 * l.liftID)).toBe(true);
  });

  it('when an admin puts a lift, then the first put creates it and the second replaces it', async () => {
    const body = { name: 'Summit Express', verticalRise: 350 };
    expect((await api.put(`/resorts/${resortID}/lifts/7`, body, { headers: await skierToken(1) })).status).toBe(403);
    expect((await api.put(`/resorts/${resortID}/lifts/7`, body, { headers: admin })).status).toBe(201);
    const replaced = await api.put(`/resorts/${resortID}/lifts/7`, { ...body, verticalRise: 360 }, { headers: admin });
    expect(replaced.status).toBe(200);
    expect((await api.get(`/resorts/${resortID}/lifts`)).body).toMatchObject({
      lifts: [{ liftID: 7, verticalRise: 360 }],
    });
  });

  it('when weather is published, then GET carries an ETag and If-None-Match answers 304', async () => {
    expect((await api.get(`/resorts/${resortID}/weather`)).status).toBe(404);
    const report = { summary: 'Powder day', conditions: 'snowing', temperatureC: -6, snowDepthCm: 180, windKph: 12 };
    expect((await api.put(`/resorts/${resortID}/weather`, report)).status).toBe(401);
    const published = await api.put(`/resorts/${resortID}/weather`, report, { headers: admin });
    expect(published.status).toBe(200);
    const first = await api.get(`/resorts/${resortID}/weather`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"/);
    expect(first.headers.get('cache-control')).toMatch(/max-age=\d+/);
    expect((await api.get(`/resorts/${resortID}/weather`, { headers: { 'if-none-match': etag ?? '' } })).status).toBe(
      304,
    );
    await api.put(`/resorts/${resortID}/weather`, { ...report, summary: 'Windy' }, { headers: admin });
    const second = await api.get(`/resorts/${resortID}/weather`, { headers: { 'if-none-match': etag ?? '' } });
    expect(second.status).toBe(200);
    expect(second.headers.get('etag')).not.toBe(etag);
  });
});

describe('lift rides (course contract)', () => {
  it('when a ride is posted, then it is 201 and the day vertical is the lift rise as a bare integer', async () => {
    const posted = await api.post(ride(4, 1, 501), { time: 217, liftID: 21 });
    expect(posted.status).toBe(201);
    await api.post(ride(4, 1, 501), { time: 230, liftID: 5 });
    const vertical = await eventually(ride(4, 1, 501), 260);
    expect(vertical.status).toBe(200);
    expect((await api.get(ride(4, 2, 501))).status).toBe(404);
  });

  it('when a ride is malformed, then it is 400 naming the field, and nothing is recorded', async () => {
    const cases: [string, unknown, string][] = [
      [ride(4, 1, 502), { time: 0, liftID: 3 }, 'time'],
      [ride(4, 1, 502), { time: 1441, liftID: 3 }, 'time'],
      [ride(4, 1, 502), { time: 10 }, 'liftID'],
      [ride(4, 1, 502), { time: '10', liftID: 3 }, 'time'],
      ['/skiers/4/seasons/25/days/1/skiers/502', { time: 10, liftID: 3 }, 'seasonID'],
      ['/skiers/4/seasons/2025/days/367/skiers/502', { time: 10, liftID: 3 }, 'dayID'],
      ['/skiers/4/seasons/2025/days/1/skiers/0', { time: 10, liftID: 3 }, 'skierID'],
    ];
    for (const [path, body, field] of cases) {
      const res = await api.post<{ errors: { field: string }[] }>(path, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.errors.map((e) => e.field)).toContain(field);
    }
    const malformed = await api.call('POST', ride(4, 1, 502), {
      rawBody: '{"time": 10,',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect((await api.get(ride(4, 1, 502))).status).toBe(404);
  });

  it('when a ride names an unknown resort, season or lift, then it is 404', async () => {
    expect((await api.post('/skiers/99999/seasons/2025/days/1/skiers/503', { time: 5, liftID: 1 })).status).toBe(404);
    expect((await api.post('/skiers/4/seasons/2019/days/1/skiers/503', { time: 5, liftID: 1 })).status).toBe(404);
    const lift = await api.post<{ code: string }>(ride(4, 1, 503), { time: 5, liftID: 41 });
    expect(lift.status).toBe(404);
    expect(lift.body.code).toBe('LIFT_NOT_FOUND');
  });

  it('when the season vertical is asked, then resort is required and repeated keys are summed per season', async () => {
    await api.post(ride(5, 1, 504), { time: 5, liftID: 10 });
    await api.post(ride(6, 2, 504), { time: 5, liftID: 20 });
    expect((await api.get('/skiers/504/vertical')).status).toBe(400);
    await eventually('/skiers/504/vertical?resort=5&resort=6', { resorts: [{ seasonID: '2025', totalVert: 300 }] });
    expect((await api.get('/skiers/504/vertical?resort=5')).body).toEqual({
      resorts: [{ seasonID: '2025', totalVert: 100 }],
    });
    expect((await api.get('/skiers/504/vertical?resort=5&season=2024')).body).toEqual({ resorts: [] });
  });

  it('when unique skiers are counted, then the answer names the resort in `time`', async () => {
    await api.post(ride(7, 3, 601), { time: 5, liftID: 1 });
    await api.post(ride(7, 3, 602), { time: 5, liftID: 1 });
    await api.post(ride(7, 3, 602), { time: 6, liftID: 2 });
    await eventually('/resorts/7/seasons/2025/day/3/skiers', { time: 'Glacier Point', numSkiers: 2 });
    expect((await api.get('/resorts/99999/seasons/2025/day/3/skiers')).status).toBe(404);
  });

  it('when wait times are asked, then every lift of the resort has an estimate', async () => {
    const res = await api.get<{ lifts: { liftID: number; ridesLastWindow: number }[] }>(
      '/resorts/7/seasons/2025/days/3/lifts/wait-times',
    );
    expect(res.status).toBe(200);
    expect(res.body.lifts).toHaveLength(40);
    expect(res.body.lifts.find((l) => l.liftID === 1)?.ridesLastWindow).toBe(2);
  });
});

describe('skier profiles (extensions)', () => {
  it('when a profile is created, read, replaced and deleted, then each step answers as documented', async () => {
    const created = await api.post<{ skierID: number }>('/skiers', {
      name: 'Ada',
      homeCity: 'Innsbruck',
      passType: 'season',
    });
    expect(created.status).toBe(201);
    const id = created.body.skierID;
    await api.post(ride(8, 1, id), { time: 100, liftID: 4 });

    // The ride is written by the queue's worker a moment after its 201: the profile's stats follow.
    const read = await eventually(`/skiers/${id}`, {
      skierID: id,
      name: 'Ada',
      homeCity: 'Innsbruck',
      passType: 'season',
      stats: { seasonID: null, daysSkied: 1, vertical: 40, rides: 1 },
      degraded: false,
    });
    expect(read.status).toBe(200);

    const replacement = { name: 'Ada L.', homeCity: null, passType: 'day' };
    expect((await api.put(`/skiers/${id}`, replacement)).status).toBe(401);
    expect((await api.put(`/skiers/${id}`, replacement, { headers: await skierToken(id + 1) })).status).toBe(403);
    expect((await api.put(`/skiers/${id}`, replacement, { headers: await skierToken(id) })).status).toBe(200);
    expect((await api.get(`/skiers/${id}`)).body).toMatchObject({ name: 'Ada L.', passType: 'day' });

    expect((await api.delete(`/skiers/${id}`, { headers: await skierToken(id) })).status).toBe(403);
    expect((await api.delete(`/skiers/${id}`, { headers: admin })).status).toBe(204);
    expect((await api.get(`/skiers/${id}`)).status).toBe(404);
  });

  it('when a profile body has an unknown field, then it is 400 naming it', async () => {
    const res = await api.post<{ errors: { field: string }[] }>('/skiers', {
      name: 'Bo',
      passType: 'day',
      admin: true,
    });
    expect(res.status).toBe(400);
  });

  it('when a POST repeats its Idempotency-Key, then the answer is replayed; with another body it is 422', async () => {
    const key = { 'idempotency-key': `create-${Date.now()}` };
    const first = await api.post<{ skierID: number }>('/skiers', { name: 'Cy', passType: 'none' }, { headers: key });
    const again = await api.post<{ skierID: number }>('/skiers', { name: 'Cy', passType: 'none' }, { headers: key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.skierID).toBe(first.body.skierID);
    const other = await api.post('/skiers', { name: 'Di', passType: 'none' }, { headers: key });
    expect(other.status).toBe(422);
  });
});

describe('the gateway itself', () => {
  it('when /statistics is read, then it lists mean and max per route template seen', async () => {
    const res = await api.get<{ endpointStats: { URL: string; operation: string }[] }>('/statistics');
    expect(res.body.endpointStats).toContainEqual(expect.objectContaining({ URL: '/resorts', operation: 'GET' }));
    expect(res.body.endpointStats).toContainEqual(
      expect.objectContaining({
        URL: '/skiers/{resortID}/seasons/{seasonID}/days/{dayID}/skiers/{skierID}',
        operation: 'POST',
      }),
    );
  });

  it('when a path is unknown, then it is a 404 problem; a known path with another method is 405', async () => {
    const unknown = await fetch(`${stack.gatewayUrl}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await fetch(`${stack.gatewayUrl}/resorts/1/seasons`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, POST');
  });

  it('when a control header is malformed, then it is 400 naming the header', async () => {
    const timeout = await api.get<{ errors: { field: string }[] }>('/resorts/1/seasons', {
      headers: { 'request-timeout': 'soon' },
    });
    expect(timeout.status).toBe(400);
    expect(timeout.body.errors[0]?.field).toBe('request-timeout');
    const key = await api.post<{ errors: { field: string }[] }>(
      '/skiers',
      { name: 'Ed', passType: 'none' },
      { headers: { 'idempotency-key': 'x'.repeat(256) } },
    );
    expect(key.status).toBe(400);
    expect(key.body.errors[0]?.field).toBe('idempotency-key');
  });

  it('when every documented operation is called, then the gateway serves it (no route-not-found)', async () => {
    const sample: Record<string, string> = { resortID: '1', seasonID: '2025', dayID: '1', skierID: '1', liftID: '1' };
    for (const op of operations) {
      const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => sample[name] ?? '1');
      const query = op.path === '/skiers/{skierID}/vertical' ? '?resort=1' : '';
      const res = await fetch(`${stack.gatewayUrl}${path}${query}`, { method: op.method });
      const text = await res.text();
      expect(text.includes('ROUTE_NOT_FOUND'), `${op.method} ${op.path}`).toBe(false);
      expect(res.status, `${op.method} ${op.path}`).not.toBe(405);
    }
  });

  it('when every answer of this suite is checked against the OpenAPI document, then none departs from it', () => {
    expect(api.violations()).toEqual([]);
  });
});
