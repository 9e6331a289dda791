import { createFaultProxy, type FaultProxy, freePort, uniqueName } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, type RunningSkierApp, startSkierApp } from './skier-app.ts';

// The gateway forwards a keyed create with its scoped Idempotency-Key; the service keeps that key with
// the profile it made, so a repeat finds the profile whatever the gateway's own record knew.
describe('a keyed profile create', () => {
  let liftRide: FaultProxy;
  let app: RunningSkierApp;
  const create = (body: unknown, key?: string) =>
    call(app.url, 'POST', '/skiers', { body, headers: key ? { 'idempotency-key': key } : {} });
  const profilesNamed = async (name: string) =>
    (await app.pool.query('SELECT count(*)::int AS n FROM profiles WHERE name = $1', [name])).rows[0].n as number;

  beforeAll(async () => {
    // Nothing listens behind the proxy: profile creates do not call the lift-ride service.
    liftRide = await createFaultProxy({ target: { host: '127.0.0.1', port: await freePort() } });
    app = await startSkierApp({ liftRideUrl: liftRide.url('http://'), statsTimeoutMs: 300 });
  });
  afterAll(async () => {
    await app?.close();
    await liftRide?.close();
  });

  it('when the same key and body come twice, then one profile exists and the second answer repeats the first', async () => {
    const name = uniqueName('Twice');
    const key = uniqueName('key');
    const first = await create({ name, passType: 'season' }, key);
    const second = await create({ name, passType: 'season' }, key);
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await profilesNamed(name)).toBe(1);
  });

  it('when the same key comes with another body, then it is 422 and nothing is created', async () => {
    const name = uniqueName('Reused');
    const key = uniqueName('key');
    expect((await create({ name, passType: 'season' }, key)).status).toBe(201);
    const other = await create({ name: `${name}-other`, passType: 'season' }, key);
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await profilesNamed(`${name}-other`)).toBe(0);
  });

  it('when ten creates with one key run at once, then one profile exists and every answer names it', async () => {
    const name = uniqueName('Racing');
    const key = uniqueName('key');
    const answers = await Promise.all(Array.from({ length: 10 }, () => create({ name, passType: 'day' }, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(201));
    expect(new Set(answers.map((a) => a.body.skierID)).size).toBe(1);
    expect(await profilesNamed(name)).toBe(1);
  });

  it('when creates carry no key, then each one makes a profile', async () => {
    const name = uniqueName('Unkeyed');
    expect((await create({ name, passType: 'day' })).status).toBe(201);
    expect((await create({ name, passType: 'day' })).status).toBe(201);
    expect(await profilesNamed(name)).toBe(2);
  });

  it('when the key is malformed, then it is 400 naming the header', async () => {
    const res = await create({ name: 'Ada', passType: 'day' }, 'x'.repeat(256));
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual(expect.objectContaining({ in: 'header', field: 'idempotency-key' }));
  });
});
