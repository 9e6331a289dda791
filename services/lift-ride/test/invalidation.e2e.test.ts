import { createRedisClient, type Redis } from '@skico/cache';
import { createLogger } from '@skico/log';
import { startTestStack, type TestStack } from '@skico/stack';
import { createFaultProxy, type FaultProxy, viaProxy, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liftRideDb, postRide, rideKeyOf } from './pipeline-kit.ts';

const log = createLogger({ service: 'test', level: 'silent' });
let stack: TestStack;
let pgProxy: FaultProxy;
let redis: Redis;
let db: Awaited<ReturnType<typeof liftRideDb>>;

// The worker reaches Postgres through a fault proxy.
beforeAll(async () => {
  pgProxy = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } });
  stack = await startTestStack({
    settings: {
      rewrite: (name, env) =>
        name === 'lift-ride-worker' ? { ...env, DATABASE_URL: viaProxy(env.DATABASE_URL as string, pgProxy) } : env,
    },
  });
  db = await liftRideDb(stack);
  redis = createRedisClient({ url: stack.settings.redisUrl, log });
});
afterAll(async () => {
  redis?.disconnect();
  await db?.close();
  await stack?.stop();
  await pgProxy?.close();
});

const dayUrl = (r: { resortID: number; dayID: number; skierID: number }) =>
  `${stack.gatewayUrl}/skiers/${r.resortID}/seasons/2025/days/${r.dayID}/skiers/${r.skierID}`;

async function dayVertical(r: { resortID: number; dayID: number; skierID: number }) {
  const res = await fetch(dayUrl(r), { signal: AbortSignal.timeout(5_000) });
  return res.status === 200 ? Number(await res.json()) : res.status === 404 ? 0 : Number.NaN;
}

async function consumerStatus() {
  const res = await fetch(`${stack.urlOf('lift-ride-worker')}/health/deps`);
  return ((await res.json()) as { dependencies: { consumer: { status: string } } }).dependencies.consumer.status;
}

describe('cache invalidation after a write', () => {
  it('when the first write of a ride times out at the breaker but commits, then the read after the retry shows the new value within a second', async () => {
    const first = { resortID: 5, dayID: 1, skierID: 910_001, liftID: 4, time: 100 };
    const second = { ...first, liftID: 7, time: 101 };
    expect((await postRide(stack, first)).status).toBe(201);
    // The day's vertical is cached (a real value, not the tombstone an invalidation leaves for a few seconds).
    const key = `${stack.namespace}liftride:v1:dayvert:${first.resortID}:2025:${first.dayID}:${first.skierID}`;
    await waitFor(async () => (await dayVertical(first)) === 40 && (await redis.get(key)) === '40', {
      timeoutMs: 15_000,
      message: 'the first ride cached',
    });

    // Every byte between the worker and Postgres now takes 2.5 s: its insert outlives the breaker's timeout.
    await pgProxy.latency(2_500);
    expect((await postRide(stack, second)).status).toBe(201);
    await waitFor(async () => (await db.keys()).has(rideKeyOf(second)), {
      timeoutMs: 20_000,
      message: 'the late insert committed',
    });
    // The fault reached the worker: its write timed out and it holds the batch.
    expect(await consumerStatus()).toBe('degraded');
    expect(stack.logs().some((line) => line.includes('holding batch'))).toBe(true);

    await pgProxy.pass();
    await waitFor(async () => (await consumerStatus()) === 'up', { timeoutMs: 20_000, message: 'the retry' });
    const retried = Date.now();
    await waitFor(async () => (await dayVertical(first)) === 110, {
      timeoutMs: 1_000,
      message: 'the fresh day vertical',
    });
    console.log(JSON.stringify({ freshAfterMs: Date.now() - retried }));
  }, 60_000);
});
