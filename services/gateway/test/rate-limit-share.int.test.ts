import { randomBytes } from 'node:crypto';
import { createRedisClient, redisReady } from '@skico/cache';
import { createLogger } from '@skico/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisWindowShare } from '../src/guards/redis-window-share.ts';
import { createWindowStore } from '../src/guards/sliding-window.ts';

// The rate-limit counts of two gateway replicas meeting in a real Redis, as the gateways share them.

const log = createLogger({ service: 'test', level: 'silent' });
const namespace = `t${randomBytes(4).toString('hex')}:`;
const redis = createRedisClient({ url: 'redis://127.0.0.1:6379', keyPrefix: namespace, log });

beforeAll(async () => {
  expect(await redisReady(redis, 2000)).toBe(true);
});
afterAll(async () => {
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(namespace.length)));
  await redis.quit();
});

describe('rate-limit counts shared through Redis', () => {
  it('when two replicas count one client and sync, then Redis holds the sum and each replica decides with it', async () => {
    const share = redisWindowShare(redis);
    const [a, b] = [createWindowStore(share), createWindowStore(share)];
    const budget = { limit: 10, windowMs: 60_000 };
    const t = Math.floor(Date.now() / budget.windowMs) * budget.windowMs + 1_000;
    for (let i = 0; i < 7; i++) a.hit('read:ip:1', budget, t);
    b.hit('read:ip:1', budget, t);
    await a.sync(t);
    await b.sync(t);
    const index = Math.floor(t / budget.windowMs);
    const key = `gateway:v1:rl:{read:ip:1}:${index}`;
    expect(await redis.get(key)).toBe('8');
    // Counters expire after two windows, so an idle client leaves nothing behind.
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(budget.windowMs);
    expect(ttl).toBeLessThanOrEqual(2 * budget.windowMs);
    expect(b.hit('read:ip:1', budget, t + 1)).toMatchObject({ allowed: true, remaining: 1 });

    // The next window starts with the previous one's count weighing in, read from Redis.
    const c = createWindowStore(share);
    const next = (index + 1) * budget.windowMs + budget.windowMs / 2;
    c.hit('read:ip:1', budget, next);
    await b.sync(next);
    await c.sync(next);
    // 8 + 1 in the previous window, half of it still inside the sliding window, plus this window's 1.
    expect(c.hit('read:ip:1', budget, next + 1)).toMatchObject({ allowed: true, remaining: 3 });
  });
});
