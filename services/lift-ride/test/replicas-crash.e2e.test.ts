import { startTestStack, type TestStack, waitForReady } from '@skico/stack';
import { createHistory, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, expectedVertical, judge, liftRideDb, rideKeyOf, sendRides } from './pipeline-kit.ts';

// The pipeline scaled out: two gateways, two lift-ride APIs, two skier services and three workers, under a
// supervisor that restarts what dies. One replica of each kind is SIGKILLed while rides flow.
let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;

beforeAll(async () => {
  stack = await startTestStack({ scale: { gateway: 2, 'lift-ride': 2, skier: 2, worker: 3 } });
  db = await liftRideDb(stack);
}, 90_000);
afterAll(async () => {
  await db?.close();
  await stack?.stop();
});

describe('the pipeline with replicas of every kind', () => {
  it('when one gateway, one lift-ride API, one skier service and one worker are SIGKILLed and restarted while rides flow, then no ride answered 201 is lost or counted twice', async () => {
    const rides = distinctRides(6_000, 1717);
    const gateways = stack.replicas('gateway').map((g) => g.url);
    // Each client retries a ride that was refused or lost its answer, through the other gateway first.
    const history = createHistory();
    const sending = sendRides(stack, rides, history, { clients: 32, attempts: 40, gateways });
    const created = () => history.okCount();

    const victims = ['gateway-2', 'lift-ride-2', 'skier-2', 'lift-ride-worker-2'];
    const kills: { name: string; createdBefore: number; downMs: number }[] = [];
    for (const name of victims) {
      const before = created();
      await waitFor(() => created() > before + 300, { timeoutMs: 30_000, message: 'rides stopped flowing' });
      const child = stack.supervisor.child(name);
      if (!child?.pid) {
        throw new Error(
          `${name} is not running:\n${stack
            .logs()
            .filter((l) => l.startsWith(`${name}:`) || l.startsWith('stack:'))
            .slice(-20)
            .join('\n')}`,
        );
      }
      const killedAt = Date.now();
      const createdBefore = created();
      child.kill('SIGKILL');
      // The fault landed: the process died and the supervisor started another, which became ready.
      await waitFor(() => (stack.supervisor.child(name)?.pid ?? child.pid) !== child.pid, {
        timeoutMs: 20_000,
        message: `${name} was not restarted`,
      });
      await waitForReady(stack.urlOf(name), 30_000);
      kills.push({ name, createdBefore, downMs: Date.now() - killedAt });
    }
    await sending;

    // Every kill landed while rides were flowing.
    expect(kills.map((k) => k.name)).toEqual(victims);
    expect(kills.every((k) => k.createdBefore < rides.length)).toBe(true);
    expect(victims.every((name) => stack.supervisor.restarts(name) >= 1)).toBe(true);
    await judge('replicas SIGKILL', history, db, { kills });
    const keys = await db.keys();
    expect(await db.totalVertical()).toBe(expectedVertical(rides.filter((r) => keys.has(rideKeyOf(r)))));
  }, 240_000);
});
