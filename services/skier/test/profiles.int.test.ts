import { createFaultProxy, type FaultProxy, freePort } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type RunningSkierApp, startSkierApp } from './skier-app.ts';

const ada = { name: 'Ada Lovelace', homeCity: 'Innsbruck', passType: 'season' };

describe('skier profiles', () => {
  let liftRide: FaultProxy;
  let app: RunningSkierApp;
  const request = (method: string, path: string, body?: unknown) => call(app.url, method, path, { body });
  const row = async (skierID: number) => {
    const { rows } = await app.pool.query(
      'SELECT skier_id, name, home_city, pass_type FROM profiles WHERE skier_id = $1',
      [skierID],
    );
    return rows[0];
  };
  const profileCount = async () => (await app.pool.query('SELECT count(*)::int AS n FROM profiles')).rows[0].n;
  const create = async (body: unknown = ada) => {
    const res = await request('POST', '/skiers', body);
    expect(res.status).toBe(201);
    return res.body.skierID as number;
  };

  beforeAll(async () => {
    // Nothing listens behind the proxy: the lift-ride service is unreachable, which these tests do not need.
    liftRide = await createFaultProxy({ target: { host: '127.0.0.1', port: await freePort() } });
    app = await startSkierApp({ liftRideUrl: liftRide.url('http://'), statsTimeoutMs: 300 });
  });
  afterAll(async () => {
    await app?.close();
    await liftRide?.close();
  });

  it('when a profile is created, then it is 201 with an id above the course ids, and the row is in Postgres', async () => {
    const res = await request('POST', '/skiers', ada);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ skierID: expect.any(Number), ...ada });
    expect(res.body.skierID).toBeGreaterThan(1_000_000);
    expect(res.headers.get('location')).toBe(`/skiers/${res.body.skierID}`);
    expect(await row(res.body.skierID)).toEqual({
      skier_id: res.body.skierID,
      name: 'Ada Lovelace',
      home_city: 'Innsbruck',
      pass_type: 'season',
    });
  });

  it('when the home city is left out, then it is stored as null', async () => {
    const res = await request('POST', '/skiers', { name: '  Bo  ', passType: 'day' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ name: 'Bo', homeCity: null, passType: 'day' });
    expect(await row(res.body.skierID)).toMatchObject({ name: 'Bo', home_city: null });
  });

  it('when the body has an unknown field, then it is 400 naming the field and nothing is stored', async () => {
    const before = await profileCount();
    const res = await request('POST', '/skiers', { ...ada, favouriteLift: 7 });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body.code).toBe('INVALID_REQUEST');
    expect(res.body.message).toContain('favouriteLift');
    expect(await profileCount()).toBe(before);
  });

  it.each([
    [{ passType: 'season' }, 'name'],
    [{ name: 'Ada', passType: 'weekly' }, 'passType'],
    [{ name: '', passType: 'season' }, 'name'],
    [{ name: 'Ada', homeCity: 42, passType: 'season' }, 'homeCity'],
  ])('when the body is %o, then it is 400 naming %s', async (body, field) => {
    const res = await request('POST', '/skiers', body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ in: 'body', field }));
  });

  it('when an unknown profile is read, then it is 404 SKIER_NOT_FOUND', async () => {
    // A course-workload skier: has rides, but no profile.
    const res = await request('GET', '/skiers/4242');
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404, code: 'SKIER_NOT_FOUND' });
  });

  it('when a profile is replaced, then the answer and the row hold the new values', async () => {
    const skierID = await create();
    const replacement = { name: 'Ada King', passType: 'multi-day' };
    const res = await request('PUT', `/skiers/${skierID}`, replacement);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ skierID, name: 'Ada King', homeCity: null, passType: 'multi-day' });
    expect(await row(skierID)).toEqual({
      skier_id: skierID,
      name: 'Ada King',
      home_city: null,
      pass_type: 'multi-day',
    });
  });

  it('when a replacement has an unknown field, then it is 400 naming the field and the row is unchanged', async () => {
    const skierID = await create();
    const res = await request('PUT', `/skiers/${skierID}`, { ...ada, name: 'Changed', skierID: 5 });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('skierID');
    expect(await row(skierID)).toMatchObject({ name: 'Ada Lovelace' });
  });

  it('when an unknown profile is replaced, then it is 404 and no profile is created', async () => {
    const before = await profileCount();
    const res = await request('PUT', '/skiers/4242', ada);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('SKIER_NOT_FOUND');
    expect(await profileCount()).toBe(before);
  });

  it('when a profile is deleted, then it is 204, the row is gone, and it is 404 afterwards', async () => {
    const skierID = await create();
    const res = await request('DELETE', `/skiers/${skierID}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(await row(skierID)).toBeUndefined();
    expect((await request('GET', `/skiers/${skierID}`)).status).toBe(404);
    expect((await request('DELETE', `/skiers/${skierID}`)).body.code).toBe('SKIER_NOT_FOUND');
  });

  it.each(['GET', 'PUT', 'DELETE'])(
    'when %s has a malformed skierID, then it is 400 naming skierID',
    async (method) => {
      for (const bad of ['0', 'abc', '1.5', '1e3', '-4', '2147483648']) {
        const res = await request(method, `/skiers/${bad}`, method === 'PUT' ? ada : undefined);
        expect(res.status, `${method} /skiers/${bad}`).toBe(400);
        expect(res.body.errors).toContainEqual(expect.objectContaining({ in: 'path', field: 'skierID' }));
      }
    },
  );

  it('when the season is malformed, then it is 400 naming season', async () => {
    const skierID = await create();
    const res = await request('GET', `/skiers/${skierID}?season=25`);
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ in: 'query', field: 'season' }));
  });
});
