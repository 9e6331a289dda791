import { randomBytes } from 'node:crypto';
import { createRedisClient, redisReady } from '@skico/cache';
import { createLogger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIdempotency } from '../src/idempotency/idempotency.ts';
import { scopedKey } from '../src/idempotency/request-key.ts';

// A keyed request's claim in a real Redis, with the deadline that Redis checks against its own clock: a
// claim that arrives after it (held by a partition, delivered when it heals) must not lock the key; and a
// claim whose answer could not be stored (Redis gone while its request ran) is finished once Redis is back.

const log = createLogger({ service: 'test', level: 'silent' });
const namespace = `t${randomBytes(4).toString('hex')}:`;
const redis = createRedisClient({ url: 'redis://127.0.0.1:6379', keyPrefix: namespace, log });
/** Passes calls through, or fails them at once while `down` (as Redis's breaker does while it is open). */
let down = false;
const breaker = {
  run: (call: (signal: AbortSignal) => Promise<unknown>) =>
    down ? Promise.reject(new Error('redis unavailable')) : call(new AbortController().signal),
  state: () => (down ? 'open' : 'closed'),
};
let redisNowMs = 0;

beforeAll(async () => {
  expect(await redisReady(redis, 2000)).toBe(true);
  const [s, us] = await redis.time();
  redisNowMs = Number(s) * 1000 + Math.floor(Number(us) / 1000);
});
afterAll(async () => {
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(namespace.length)));
  await redis.quit();
});

const store = (claimDeadline: () => number) =>
  createIdempotency({
    redis,
    breaker: breaker as unknown as Breaker,
    retentionSeconds: 86_400,
    lockSeconds: 30,
    log,
    claimDeadline,
  });

const request = (key: string) => ({ key, client: 'ip:127.0.0.1', operationId: 'createSkier', fingerprint: 'f' });
const answer = (status: number) => async () => ({ status, headers: {}, body: Buffer.from('{}') });

describe('the claim of an Idempotency-Key', () => {
  it('when it reaches Redis before its deadline, then the answer is kept and replayed', async () => {
    const idem = store(() => Date.now() + 60_000 + Math.max(0, redisNowMs - Date.now()));
    const key = `on-time-${randomBytes(4).toString('hex')}`;
    expect((await idem.run(request(key), answer(201))).replayed).toBe(false);
    expect((await idem.run(request(key), answer(500))).replayed).toBe(true);
  });

  it('when it reaches Redis after its deadline, then the request runs without a record and the key stays free', async () => {
    const idem = store(() => redisNowMs - 60_000);
    const key = `late-${randomBytes(4).toString('hex')}`;
    let runs = 0;
    const forward = async () => {
      runs += 1;
      return { status: 201, headers: {}, body: Buffer.from('{}') };
    };
    expect((await idem.run(request(key), forward)).replayed).toBe(false);
    expect(await redis.exists(`gateway:v2:idem:${scopedKey(request(key))}`)).toBe(0);
    // Nothing holds the key in flight: the next request with it runs too (the service dedupes the effect).
    expect((await idem.run(request(key), forward)).replayed).toBe(false);
    expect(runs).toBe(2);
  });

  it('when no deadline is set (Redis clock not read yet), then the claim is a plain SET NX', async () => {
    const idem = store(() => 0);
    const key = `plain-${randomBytes(4).toString('hex')}`;
    expect((await idem.run(request(key), answer(201))).replayed).toBe(false);
    expect((await idem.run(request(key), answer(201))).replayed).toBe(true);
  });

  it('when Redis goes away while the request runs, then its claim is finished once Redis is back, not left to lock the key', async () => {
    const idem = store(() => 0);
    const key = `unfinished-${randomBytes(4).toString('hex')}`;
    const record = `gateway:v2:idem:${scopedKey(request(key))}`;
    const first = await idem.run(request(key), async () => {
      down = true;
      return { status: 201, headers: {}, body: Buffer.from('{"first":true}') };
    });
    expect(first.replayed).toBe(false);
    expect(await redis.get(record)).toContain('"in-flight"');
    down = false;
    // Tried again every second.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await redis.get(record)).toContain('"done"');
    const again = await idem.run(request(key), answer(500));
    expect(again.replayed).toBe(true);
    expect(again.response.body.toString()).toBe('{"first":true}');
  });

  it('when the key was claimed again after the lock expired, then a late finish leaves the new claim alone', async () => {
    const idem = store(() => 0);
    const key = `reclaimed-${randomBytes(4).toString('hex')}`;
    const record = `gateway:v2:idem:${scopedKey(request(key))}`;
    await idem.run(request(key), async () => {
      down = true;
      return { status: 201, headers: {}, body: Buffer.from('{}') };
    });
    // The lock expired and another request claimed the key meanwhile.
    const other = JSON.stringify({ state: 'in-flight', fingerprint: 'f', claim: 'another' });
    await redis.set(record, other, 'EX', 30);
    down = false;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(await redis.get(record)).toBe(other);
  });
});
