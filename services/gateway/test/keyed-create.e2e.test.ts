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
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

// A keyed POST /skiers under the three faults that used to make a second profile: the answer lost
// between the skier service and the gateway, a commit after the gateway gave up, and the gateway's Redis
// gone. Fault proxies sit between the gateway and the skier service, the skier service and Postgres, and
// the gateway and Redis; the test reads Postgres directly.
let stack: TestStack;
let skier: FaultProxy;
let postgres: FaultProxy;
let redis: FaultProxy;
let db: pg.Pool;
let api: ReturnType<typeof createApiClient>;

const create = (name: string, key: string, headers: Record<string, string> = {}) =>
  api.post<{ skierID: number }>(
    '/skiers',
    { name, passType: 'season' },
    { headers: { 'idempotency-key': key, ...headers } },
  );
const profilesNamed = async (name: string) =>
  (await db.query<{ skier_id: number }>('SELECT skier_id FROM profiles WHERE name = $1', [name])).rows;

/** Sends the create again until it is 201, as a client does after a failure; every answer is kept. */
async function retryUntilCreated(name: string, key: string, answers: ApiAnswer<{ skierID: number }>[]) {
  await waitFor(
    async () => {
      answers.push(await create(name, key));
      return answers.at(-1)?.status === 201;
    },
    { timeoutMs: 20_000, intervalMs: 250, message: `${name} answered 201` },
  );
}

/** Exactly one profile, and every 201 names it. */
async function expectOneProfile(name: string, answers: ApiAnswer<{ skierID: number }>[]) {
  const rows = await profilesNamed(name);
  expect(rows).toHaveLength(1);
  const created = answers.filter((a) => a.status === 201);
  expect(created.length).toBeGreaterThan(0);
  for (const answer of created) {
    expect(answer.body).toEqual({ skierID: rows[0]?.skier_id, name, homeCity: null, passType: 'season' });
    expect(answer.headers.get('location')).toBe(`/skiers/${rows[0]?.skier_id}`);
  }
}

beforeAll(async () => {
  const skierTarget = { host: '127.0.0.1', port: 0 };
  skier = await createFaultProxy({ target: skierTarget });
  postgres = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } });
  redis = await createFaultProxy({ target: { host: '127.0.0.1', port: 6379 } });
  stack = await startTestStack({
    settings: {
      // Room for the proxies' latency on a busy machine; the late-commit case shortens it per request.
      extra: { REQUEST_TIMEOUT_MS: '5000' },
      rewrite: (name, env) => {
        if (name === 'skier') return { ...env, DATABASE_URL: viaProxy(env.DATABASE_URL as string, postgres) };
        if (name !== 'gateway') return env;
        skierTarget.port = Number(new URL(env.SKIER_URL as string).port);
        return {
          ...env,
          SKIER_URL: viaProxy(env.SKIER_URL as string, skier),
          REDIS_URL: viaProxy(env.REDIS_URL as string, redis),
        };
      },
    },
  });
  api = createApiClient(stack.gatewayUrl);
  db = new pg.Pool({ connectionString: stack.databaseUrlOf('skier'), max: 2 });
});

// A case that fails midway must not leave its fault for the next one.
afterEach(async () => {
  await Promise.all([skier.pass(), postgres.pass(), redis.restore()]);
});

afterAll(async () => {
  await db?.end();
  await stack?.stop();
  await Promise.all([skier?.close(), postgres?.close(), redis?.close()]);
});

describe('a keyed POST /skiers', () => {
  it('when the answer is lost after the commit, then the retries give one profile and the same answer', async () => {
    const name = uniqueName('Dropped');
    const key = uniqueName('key');
    // Held in the proxy long enough to see the row committed while the answer is still on its way.
    await skier.latency(800);
    const first = create(name, key);
    await waitFor(async () => (await profilesNamed(name)).length === 1, { timeoutMs: 10_000, message: 'the commit' });
    const acceptedBefore = skier.stats().accepted;
    await skier.reset();
    await skier.pass();
    const answers = [await first];
    // The connection carrying the answer was dropped: the gateway's own retry or the client's went again.
    expect(answers[0]?.status === 201 || (answers[0]?.status ?? 0) >= 500).toBe(true);
    if (answers[0]?.status !== 201) await retryUntilCreated(name, key, answers);
    expect(skier.stats().accepted).toBeGreaterThan(acceptedBefore);
    await expectOneProfile(name, answers);
  });

  it('when the insert commits after the gateway gave up, then the retry gives one profile and the same answer', async () => {
    const name = uniqueName('Late');
    const key = uniqueName('key');
    // Past the request's 1.5 s deadline: the client has its 5xx before the insert reaches Postgres, which
    // may then commit it late (or end it, when the skier service's cancel gets there first).
    await postgres.latency(2_500);
    const first = await create(name, key, { 'request-timeout': '1500' });
    expect(first.status).toBeGreaterThanOrEqual(500);
    expect(await profilesNamed(name)).toHaveLength(0);
    const lateCommit = await waitFor(async () => (await profilesNamed(name)).length > 0, { timeoutMs: 5_000 }).then(
      () => true,
      () => false,
    );
    console.log(`keyed create: the abandoned insert ${lateCommit ? 'committed late' : 'was ended'}`);
    await postgres.pass();
    const answers = [first];
    await retryUntilCreated(name, key, answers);
    await expectOneProfile(name, answers);
  });

  it("when the gateway's Redis is cut, then repeats of the key give one profile and the same answer", async () => {
    const name = uniqueName('Unguarded');
    const key = uniqueName('key');
    await redis.cut();
    try {
      const answers = [await create(name, key), await create(name, key)];
      answers.push(...(await Promise.all([create(name, key), create(name, key)])));
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
      // The gateway could not read a record: no answer came from it.
      expect(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true')).toEqual([]);
      expect(stack.logs().some((line) => line.includes('request runs unguarded'))).toBe(true);
      await expectOneProfile(name, answers);
    } finally {
      await redis.restore();
    }
  });
});
