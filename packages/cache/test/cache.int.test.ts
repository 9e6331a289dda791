import { randomBytes } from 'node:crypto';
import { createLogger } from '@skico/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache } from '../src/cache-aside.ts';
import { createRedisClient, redisReady } from '../src/redis-client.ts';

const log = createLogger({ service: 'test', level: 'silent' });
const redis = createRedisClient({ url: 'redis://127.0.0.1:6379', log });
const namespace = `t${randomBytes(4).toString('hex')}:v1:`;

beforeAll(async () => {
  expect(await redisReady(redis, 2000)).toBe(true);
});

afterAll(async () => {
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

function countingLoader<T>(value: T | undefined) {
  const loader = async () => {
    loader.calls += 1;
    // Long enough that concurrent reads overlap with the load.
    await new Promise((resolve) => setTimeout(resolve, 20));
    return value;
  };
  loader.calls = 0;
  return loader;
}

describe('cache-aside over the real Redis', () => {
  it('when a key is read twice, then the first read misses and loads, the second hits', async () => {
    const cache = createCache({ redis, namespace, log });
    const loader = countingLoader({ vertical: 4200 });
    expect(await cache.getOrLoad('a', loader, { ttlSeconds: 60 })).toEqual({ vertical: 4200 });
    expect(await cache.getOrLoad('a', loader, { ttlSeconds: 60 })).toEqual({ vertical: 4200 });
    expect(loader.calls).toBe(1);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1 });
    const ttl = await redis.ttl(`${namespace}a`);
    expect(ttl).toBeGreaterThanOrEqual(53);
    expect(ttl).toBeLessThanOrEqual(66);
  });

  it('when a key is invalidated after a write, then the next read loads the new value', async () => {
    const cache = createCache({ redis, namespace, log });
    await cache.getOrLoad('b', async () => 1, { ttlSeconds: 60 });
    await cache.invalidate(['b']);
    expect(await cache.getOrLoad('b', async () => 2, { ttlSeconds: 60 })).toBe(2);
  });

  it('when 100 reads of a cold key arrive at once, then the source is loaded exactly once', async () => {
    const cache = createCache({ redis, namespace, log });
    const loader = countingLoader(77);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => cache.getOrLoad('c', loader, { ttlSeconds: 60 })),
    );
    expect(answers.every((a) => a === 77)).toBe(true);
    expect(loader.calls).toBe(1);
    expect(cache.stats().joins).toBe(99);
  });

  it('when the loader finds nothing, then "not found" is cached briefly and not loaded again', async () => {
    const cache = createCache({ redis, namespace, log });
    const loader = countingLoader<number>(undefined);
    expect(await cache.getOrLoad('d', loader, { ttlSeconds: 60, negativeTtlSeconds: 5 })).toBeUndefined();
    expect(await cache.getOrLoad('d', loader, { ttlSeconds: 60, negativeTtlSeconds: 5 })).toBeUndefined();
    expect(loader.calls).toBe(1);
    expect(await redis.ttl(`${namespace}d`)).toBeLessThanOrEqual(6);
  });

  it('when Redis is unreachable, then reads are served from the source', async () => {
    const dead = createRedisClient({ url: 'redis://127.0.0.1:1', log, connectTimeoutMs: 200 });
    const cache = createCache({ redis: dead, namespace, log });
    expect(await cache.getOrLoad('e', async () => 'from-source', { ttlSeconds: 60 })).toBe('from-source');
    expect(cache.stats().bypasses).toBe(1);
    dead.disconnect();
  });
});

describe('cache-aside and concurrent writes', () => {
  it('when a load that began before a write finishes after its invalidation, then the old value is not cached', async () => {
    const cache = createCache({ redis, namespace, log });
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // A reader reads the old value from the source, and is slow to put it in the cache…
    const slowRead = cache.getOrLoad(
      'race',
      async () => {
        await gate;
        return 'old';
      },
      { ttlSeconds: 60 },
    );
    // …meanwhile the write commits and invalidates.
    await new Promise((resolve) => setTimeout(resolve, 20));
    await cache.invalidate(['race']);
    release();
    expect(await slowRead).toBe('old');
    // The next reader does not get the old value back from the cache.
    const fresh = createCache({ redis, namespace, log });
    expect(await fresh.getOrLoad('race', async () => 'new', { ttlSeconds: 60 })).toBe('new');
  });
});
