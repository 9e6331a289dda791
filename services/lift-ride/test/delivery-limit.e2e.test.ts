import { startTestStack, type TestStack } from '@skico/stack';
import { createFaultProxy, type FaultProxy, viaProxy, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, expectedVertical, inParallel, liftRideDb, postRide, rideKeyOf } from './pipeline-kit.ts';

const DELIVERY_LIMIT = 3;
const RESTARTS = 5;
let stack: TestStack;
let pgProxy: FaultProxy;
let db: Awaited<ReturnType<typeof liftRideDb>>;

// The worker reaches Postgres through a fault proxy; the API does not.
beforeAll(async () => {
  pgProxy = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } });
  stack = await startTestStack({
    settings: {
      extra: { QUEUE_DELIVERY_LIMIT: String(DELIVERY_LIMIT), WORKER_PREFETCH: '100', WORKER_BATCH_SIZE: '50' },
      rewrite: (name, env) =>
        name === 'lift-ride-worker' ? { ...env, DATABASE_URL: viaProxy(env.DATABASE_URL as string, pgProxy) } : env,
    },
  });
  db = await liftRideDb(stack);
});
afterAll(async () => {
  await db?.close();
  await stack?.stop();
  await pgProxy?.close();
});

async function workerHolding() {
  const res = await fetch(`${stack.urlOf('lift-ride-worker')}/health/deps`);
  return ((await res.json()) as { dependencies: { consumer: { status: string } } }).dependencies.consumer.status;
}

async function deadDepth() {
  const res = await fetch(`${stack.urlOf('lift-ride')}/health/deps`);
  const body = (await res.json()) as { dependencies: Record<string, { queueDepth?: number }> };
  return body.dependencies['dead-letters']?.queueDepth;
}

describe('the delivery limit', () => {
  it('when the worker restarts five times during a Postgres outage, then every ride is counted once and none is dead-lettered', async () => {
    await pgProxy.cut();
    const rides = distinctRides(300, 111).map((r) => ({ ...r, skierID: r.skierID + 920_000 }));
    await inParallel(rides, 16, async (ride) => {
      expect((await postRide(stack, ride)).status).toBe(201);
    });
    for (let restart = 0; restart < RESTARTS; restart++) {
      // The fault reached the worker: it holds a batch it cannot write (its messages unacknowledged).
      await waitFor(async () => (await workerHolding()) === 'degraded', {
        timeoutMs: 20_000,
        message: 'the worker holding its batch',
      });
      const worker = stack.supervisor.child('lift-ride-worker');
      worker?.kill('SIGKILL');
      await waitFor(() => stack.supervisor.child('lift-ride-worker')?.pid !== worker?.pid, {
        timeoutMs: 20_000,
        message: 'the worker restarted',
      });
    }
    await waitFor(async () => (await workerHolding()) === 'degraded', { timeoutMs: 20_000, message: 'held again' });
    expect(await db.count()).toBe(0);

    await pgProxy.pass();
    await waitFor(async () => (await db.count()) >= rides.length, { timeoutMs: 30_000, message: 'rides persisted' });
    const keys = await db.keys();
    expect(rides.every((r) => keys.has(rideKeyOf(r)))).toBe(true);
    expect(keys.size).toBe(rides.length);
    expect(await db.aggregateMismatches()).toBe(0);
    expect(await db.totalVertical()).toBe(expectedVertical(rides));
    expect(await deadDepth()).toBe(0);
  }, 180_000);
});
