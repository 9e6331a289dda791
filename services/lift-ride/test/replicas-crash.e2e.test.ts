import { startTestStack, type TestStack, waitForReady } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, expectedVertical, inParallel, liftRideDb, rideKeyOf, type SentRide } from './pipeline-kit.ts';

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

/** Posts a ride through one gateway; a dropped connection throws. */
async function postRideTo(gatewayUrl: string, r: SentRide) {
  const res = await fetch(`${gatewayUrl}/skiers/${r.resortID}/seasons/2025/days/${r.dayID}/skiers/${r.skierID}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ time: r.time, liftID: r.liftID }),
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer();
  return res.status;
}

describe('the pipeline with replicas of every kind', () => {
  it('when one gateway, one lift-ride API, one skier service and one worker are SIGKILLed and restarted while rides flow, then no ride answered 201 is lost or counted twice', async () => {
    const rides = distinctRides(6_000, 1717);
    const gateways = stack.replicas('gateway').map((g) => g.url);
    const answered = new Map<string, 'created' | 'refused' | 'indeterminate'>();
    const failedAttempts = { refused: 0, indeterminate: 0 };
    let created = 0;
    // Each client retries a ride that was refused or lost its answer, through the other gateway first.
    const sending = inParallel(rides, 32, async (ride, index) => {
      for (let attempt = 0; attempt < 40; attempt++) {
        let outcome: 'created' | 'refused' | 'indeterminate';
        try {
          const status = await postRideTo(gateways[(index + attempt) % gateways.length] as string, ride);
          outcome = status === 201 ? 'created' : 'refused';
        } catch {
          outcome = 'indeterminate';
        }
        answered.set(rideKeyOf(ride), outcome);
        if (outcome === 'created') {
          created += 1;
          return;
        }
        failedAttempts[outcome] += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });

    const victims = ['gateway-2', 'lift-ride-2', 'skier-2', 'lift-ride-worker-2'];
    const kills: { name: string; createdBefore: number; downMs: number }[] = [];
    for (const name of victims) {
      const before = created;
      await waitFor(() => created > before + 300, { timeoutMs: 30_000, message: 'rides stopped flowing' });
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
      const createdBefore = created;
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
    const ok = rides.filter((r) => answered.get(rideKeyOf(r)) === 'created');
    await waitFor(
      async () => {
        const keys = await db.keys();
        return ok.every((r) => keys.has(rideKeyOf(r)));
      },
      { timeoutMs: 60_000, message: 'rides answered 201 are missing from Postgres' },
    );
    const keys = await db.keys();
    const sent = new Set(rides.map(rideKeyOf));
    const present = rides.filter((r) => keys.has(rideKeyOf(r)));
    const figures = {
      sent: rides.length,
      created: ok.length,
      refused: [...answered.values()].filter((a) => a === 'refused').length,
      indeterminate: [...answered.values()].filter((a) => a === 'indeterminate').length,
      lost: ok.filter((r) => !keys.has(rideKeyOf(r))).length,
      unexpected: [...keys].filter((k) => !sent.has(k)).length,
      failedAttempts,
      kills,
    };
    console.log('replicas SIGKILL history', JSON.stringify(figures));
    expect(figures.lost).toBe(0);
    expect(figures.unexpected).toBe(0);
    expect(keys.size).toBe(present.length);
    expect(await db.aggregateMismatches()).toBe(0);
    expect(await db.totalVertical()).toBe(expectedVertical(present));
  }, 240_000);
});
