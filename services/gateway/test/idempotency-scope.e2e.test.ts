import { mintToken } from '@skico/auth';
import { startTestStack, type TestStack } from '@skico/stack';
import {
  type ApiAnswer,
  createApiClient,
  createFaultProxy,
  type FaultProxy,
  uniqueName,
  viaProxy,
  waitFor,
} from '@skico/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_JWT_SECRET } from '../src/config.ts';

// Two clients are told apart by their address: the gateway believes one proxy hop, so each test client
// names its own in X-Forwarded-For.
let stack: TestStack;
let skier: FaultProxy;
let db: pg.Pool;
let api: ReturnType<typeof createApiClient>;
const tokens = { secret: DEVELOPMENT_JWT_SECRET, issuer: 'skico', audience: 'skico-api' };
const from = (address: string, key: string) => ({ 'x-forwarded-for': address, 'idempotency-key': key });
const profilesNamed = async (name: string) =>
  (await db.query('SELECT count(*)::int AS n FROM profiles WHERE name = $1', [name])).rows[0].n as number;

beforeAll(async () => {
  // The proxy reads its target per connection: the skier's port is known once the stack assigns it.
  const skierTarget = { host: '127.0.0.1', port: 0 };
  skier = await createFaultProxy({ target: skierTarget });
  stack = await startTestStack({
    settings: {
      // The lift-ride service learns of a new season within its metadata TTLs (10 s in process + this).
      extra: { TRUST_PROXY_HOPS: '1', METADATA_TTL_SECONDS: '1' },
      rewrite: (name, env) => {
        if (name !== 'gateway') return env;
        skierTarget.port = Number(new URL(env.SKIER_URL as string).port);
        return { ...env, SKIER_URL: viaProxy(env.SKIER_URL as string, skier) };
      },
    },
  });
  api = createApiClient(stack.gatewayUrl);
  db = new pg.Pool({ connectionString: stack.databaseUrlOf('skier'), max: 2 });
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await skier?.close();
});

describe('Idempotency-Key scope', () => {
  it('when two clients send the same key and body to the same route, then each gets a profile of its own', async () => {
    const name = uniqueName('Shared');
    const key = uniqueName('key');
    const a = await api.post<{ skierID: number }>(
      '/skiers',
      { name, passType: 'day' },
      { headers: from('203.0.113.1', key) },
    );
    const b = await api.post<{ skierID: number }>(
      '/skiers',
      { name, passType: 'day' },
      { headers: from('203.0.113.2', key) },
    );
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    expect(b.body.skierID).not.toBe(a.body.skierID);
    // Each client still has its own key's protection.
    const again = await api.post<{ skierID: number }>(
      '/skiers',
      { name, passType: 'day' },
      { headers: from('203.0.113.1', key) },
    );
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.skierID).toBe(a.body.skierID);
    expect(await profilesNamed(name)).toBe(2);
  });

  it('when a second client sends another body with a key the first used, then it is served, not 422', async () => {
    const key = uniqueName('key');
    const first = uniqueName('First');
    const second = uniqueName('Second');
    expect(
      (await api.post('/skiers', { name: first, passType: 'day' }, { headers: from('203.0.113.3', key) })).status,
    ).toBe(201);
    const squatted = await api.post(
      '/skiers',
      { name: second, passType: 'day' },
      { headers: from('203.0.113.4', key) },
    );
    expect(squatted.status).toBe(201);
    expect(await profilesNamed(second)).toBe(1);
  });

  it('when one client uses the same key on two routes, then the second route is served, not 422', async () => {
    const key = uniqueName('key');
    const client = '203.0.113.5';
    const profile = await api.post(
      '/skiers',
      { name: uniqueName('Routes'), passType: 'day' },
      { headers: from(client, key) },
    );
    const ride = await api.post(
      '/skiers/1/seasons/2025/days/2/skiers/77001',
      { time: 61, liftID: 3 },
      { headers: from(client, key) },
    );
    expect([profile.status, ride.status]).toEqual([201, 201]);
    expect(ride.headers.get('idempotent-replayed')).toBeNull();
  });

  it('when a keyed ride is 404 for a season not yet known, then its retry runs again once the season exists', async () => {
    const key = uniqueName('key');
    const client = '203.0.113.6';
    const path = '/skiers/3/seasons/2031/days/1/skiers/77002';
    const first = await api.post(path, { time: 62, liftID: 4 }, { headers: from(client, key) });
    expect(first.status).toBe(404);
    const admin = { authorization: `Bearer ${await mintToken(tokens, { subject: 'ops', roles: ['admin'] })}` };
    expect((await api.post('/resorts/3/seasons', { year: '2031' }, { headers: admin })).status).toBe(201);
    // The lift-ride service still holds the resort's seasons without 2031 until its cache expires: retry until it knows.
    const answers: ApiAnswer[] = [];
    await waitFor(
      async () => {
        answers.push(await api.post(path, { time: 62, liftID: 4 }, { headers: from(client, key) }));
        return answers.at(-1)?.status === 201;
      },
      { timeoutMs: 25_000, intervalMs: 500, message: 'the ride accepted once its season exists' },
    );
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toEqual([]);
  });

  it('when a keyed POST meets a 5xx, then its retry runs again instead of replaying the failure', async () => {
    const key = uniqueName('key');
    const name = uniqueName('Retried');
    const client = '203.0.113.7';
    await skier.cut();
    const failed = await api.post('/skiers', { name, passType: 'day' }, { headers: from(client, key) });
    await skier.restore();
    expect(failed.status).toBeGreaterThanOrEqual(500);
    const answers: ApiAnswer[] = [];
    await waitFor(
      async () => {
        answers.push(await api.post('/skiers', { name, passType: 'day' }, { headers: from(client, key) }));
        return answers.at(-1)?.status === 201;
      },
      { timeoutMs: 20_000, intervalMs: 250, message: 'the profile created once the skier service is back' },
    );
    expect(answers.at(-1)?.headers.get('idempotent-replayed')).toBeNull();
    expect(await profilesNamed(name)).toBe(1);
  });
});
