import { liftRideTopology } from '@skico/contracts';
import { createLogger } from '@skico/log';
import { createAmqpConnection, createPublisher } from '@skico/messaging';
import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, expectedVertical, inParallel, liftRideDb, rideKeyOf, seeded } from './pipeline-kit.ts';

const log = createLogger({ service: 'test', level: 'silent' });
let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;

beforeAll(async () => {
  stack = await startTestStack();
  db = await liftRideDb(stack);
});
afterAll(async () => {
  await db?.close();
  await stack?.stop();
});

describe('a worker that crashes', () => {
  it('when the worker is SIGKILLed at random points while 20,000 rides flow, then none is lost and none counted twice', async () => {
    const rides = distinctRides(20_000, 99);
    // Publish straight to the exchange with the API's own publisher: the flow under test is queue → worker.
    const amqp = createAmqpConnection({ url: stack.settings.amqpUrl, log, name: 'test-publisher' });
    const topology = liftRideTopology(stack.namespace);
    const publisher = createPublisher(amqp, topology);
    await amqp.ready(5_000);
    // Rides keep arriving for about ten seconds, in chunks, while the worker is being killed.
    const publishing = (async () => {
      for (let start = 0; start < rides.length; start += 500) {
        await inParallel(rides.slice(start, start + 500), 64, async (ride) => {
          await publisher.publish(
            {
              type: 'lift-ride.recorded',
              schemaVersion: 1,
              ride: { ...ride, seasonID: '2025', vertical: 10 * ride.liftID },
              acceptedAt: new Date().toISOString(),
            },
            { messageId: rideKeyOf(ride), timeoutMs: 5_000 },
          );
        });
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();

    const rand = seeded(5);
    const kills: number[] = [];
    for (let k = 0; k < 4 && (await db.count()) < rides.length; k++) {
      // Let the worker run a random while (it is mid-batch most of the time), then kill it hard.
      const before = await db.count();
      await waitFor(async () => (await db.count()) > before, { timeoutMs: 20_000, message: 'worker made no progress' });
      await new Promise((resolve) => setTimeout(resolve, rand(50, 400)));
      const worker = stack.supervisor.child('lift-ride-worker');
      if (!worker?.pid) break;
      worker.kill('SIGKILL');
      kills.push(await db.count());
      await waitFor(() => stack.supervisor.child('lift-ride-worker')?.pid !== worker.pid, {
        timeoutMs: 20_000,
        message: 'worker was not restarted',
      });
    }
    await publishing;
    await amqp.close();
    // Each kill landed while rides were still flowing.
    expect(kills.length).toBeGreaterThanOrEqual(2);
    expect(kills.every((count) => count < rides.length)).toBe(true);

    await waitFor(async () => (await db.count()) >= rides.length, {
      timeoutMs: 90_000,
      message: 'queue did not drain',
    });
    const keys = await db.keys();
    expect(keys.size).toBe(rides.length);
    expect(rides.every((r) => keys.has(rideKeyOf(r)))).toBe(true);
    expect(await db.aggregateMismatches()).toBe(0);
    expect(await db.totalVertical()).toBe(expectedVertical(rides));
    const dead = (await fetch(`${stack.urlOf('lift-ride')}/health/deps`).then((r) => r.json())) as {
      dependencies: Record<string, { queueDepth?: number }>;
    };
    expect(dead.dependencies['dead-letters']?.queueDepth).toBe(0);
  }, 240_000);
});
