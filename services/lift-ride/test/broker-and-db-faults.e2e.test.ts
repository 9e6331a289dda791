import { startTestStack, type TestStack } from '@skico/stack';
import { createFaultProxy, type FaultProxy, viaProxy, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, inParallel, liftRideDb, postRide, rideKeyOf, type SentRide } from './pipeline-kit.ts';

let stack: TestStack;
let amqpProxy: FaultProxy;
let pgProxy: FaultProxy;
let db: Awaited<ReturnType<typeof liftRideDb>>;

// The lift-ride API reaches RabbitMQ, and the worker reaches Postgres, through fault proxies.
beforeAll(async () => {
  amqpProxy = await createFaultProxy({ target: { host: '127.0.0.1', port: 5672 } });
  pgProxy = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } });
  stack = await startTestStack({
    settings: {
      // A small prefetch, so that rides the held worker has not taken visibly wait in the queue.
      extra: { WORKER_PREFETCH: '100', WORKER_BATCH_SIZE: '50' },
      rewrite: (name, env) => {
        if (name === 'lift-ride') return { ...env, AMQP_URL: viaProxy(env.AMQP_URL as string, amqpProxy) };
        if (name === 'lift-ride-worker') return { ...env, DATABASE_URL: viaProxy(env.DATABASE_URL as string, pgProxy) };
        return env;
      },
    },
  });
  db = await liftRideDb(stack);
});
afterAll(async () => {
  await db?.close();
  await stack?.stop();
  await amqpProxy?.close();
  await pgProxy?.close();
});

async function queueDepths() {
  const res = await fetch(`${stack.urlOf('lift-ride')}/health/deps`);
  const body = (await res.json()) as { dependencies: Record<string, { queueDepth?: number }> };
  return { ready: body.dependencies.queue?.queueDepth, dead: body.dependencies['dead-letters']?.queueDepth };
}

async function postAll(rides: SentRide[]) {
  const statuses: Record<number, number> = {};
  let slowest = 0;
  await inParallel(rides, 8, async (ride) => {
    const started = performance.now();
    const { status } = await postRide(stack, ride);
    slowest = Math.max(slowest, performance.now() - started);
    statuses[status] = (statuses[status] ?? 0) + 1;
  });
  return { statuses, slowest };
}

async function expectAllPersisted(rides: SentRide[], timeoutMs: number) {
  const wanted = rides.map(rideKeyOf);
  await waitFor(
    async () => {
      const keys = await db.keys();
      return wanted.every((k) => keys.has(k));
    },
    { timeoutMs, message: 'not every ride answered 201 reached Postgres' },
  );
  expect(await db.aggregateMismatches()).toBe(0);
}

describe('the broker unreachable for the API', () => {
  it('when the connection is cut, then rides still answer 201 through the fallback and are all in Postgres', async () => {
    await amqpProxy.cut();
    const rides = distinctRides(60, 1).map((r) => ({ ...r, skierID: r.skierID + 100_000 }));
    const { statuses } = await postAll(rides);
    expect(statuses).toEqual({ 201: rides.length });
    await expectAllPersisted(rides, 5_000);
  });

  it('when the broker is blackholed, then rides answer 201 within the publish timeout plus the fallback', async () => {
    await amqpProxy.pass();
    // Back to normal first: the API reconnects and rides flow through the queue again.
    await waitFor(
      async () =>
        (
          (await fetch(`${stack.urlOf('lift-ride')}/health/deps`).then((r) => r.json())) as {
            dependencies: { queue: { status: string } };
          }
        ).dependencies.queue.status === 'up',
      {
        timeoutMs: 15_000,
        message: 'the API did not reconnect to RabbitMQ',
      },
    );
    await amqpProxy.blackhole();
    const rides = distinctRides(60, 2).map((r) => ({ ...r, skierID: r.skierID + 200_000 }));
    const { statuses, slowest } = await postAll(rides);
    expect(statuses).toEqual({ 201: rides.length });
    expect(slowest).toBeLessThan(2_000);
    await expectAllPersisted(rides, 5_000);
    await amqpProxy.pass();
  });
});

describe('Postgres unreachable for the worker', () => {
  it('when Postgres is blackholed, then rides are still accepted into the queue, and drain when it returns', async () => {
    await waitFor(async () => (await queueDepths()).ready === 0, { timeoutMs: 15_000, message: 'queue not idle' });
    await pgProxy.blackhole();
    // Rides keep coming until some wait in the queue: on a busy machine a slow confirm can send a few to
    // the direct-write fallback (by design), which proves nothing about the worker.
    const rides = distinctRides(2_000, 3).map((r) => ({ ...r, skierID: r.skierID + 300_000 }));
    let sent = 0;
    while (sent < rides.length && ((await queueDepths()).ready ?? 0) === 0) {
      const { statuses } = await postAll(rides.slice(sent, sent + 200));
      expect(statuses).toEqual({ 201: Math.min(200, rides.length - sent) });
      sent += 200;
    }
    rides.splice(sent);
    expect((await queueDepths()).ready ?? 0).toBeGreaterThan(0);
    // The worker holds its batch and has stopped consuming, instead of bouncing messages into the DLQ.
    await waitFor(
      async () => {
        const worker = (await fetch(`${stack.urlOf('lift-ride-worker')}/health/deps`).then((r) => r.json())) as {
          dependencies: { consumer: { status: string } };
        };
        return worker.dependencies.consumer.status === 'degraded';
      },
      { timeoutMs: 10_000, message: 'the worker did not hold its batch' },
    );

    await pgProxy.pass();
    await expectAllPersisted(rides, 30_000);
    await waitFor(async () => (await queueDepths()).ready === 0, { timeoutMs: 10_000, message: 'queue did not drain' });
    expect((await queueDepths()).dead).toBe(0);
  }, 60_000);
});
