import { startTestStack, type TestStack } from '@skico/stack';
import { createFaultProxy, type FaultProxy, viaProxy, waitFor } from '@skico/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, inParallel, postRide } from './pipeline-kit.ts';

const FALLBACK_CONCURRENCY = 8;
let stack: TestStack;
let amqpProxy: FaultProxy;
let admin: pg.Client;

// The lift-ride API reaches RabbitMQ through a fault proxy; Postgres is slowed down inside the test's own
// database, so that an abandoned insert really keeps a backend busy (what pg_stat_activity shows).
beforeAll(async () => {
  amqpProxy = await createFaultProxy({ target: { host: '127.0.0.1', port: 5672 } });
  stack = await startTestStack({
    settings: {
      extra: { FALLBACK_CONCURRENCY: String(FALLBACK_CONCURRENCY) },
      rewrite: (name, env) =>
        name === 'lift-ride' ? { ...env, AMQP_URL: viaProxy(env.AMQP_URL as string, amqpProxy) } : env,
    },
  });
  admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${stack.database}` });
  await admin.connect();
});
afterAll(async () => {
  await admin?.end();
  await stack?.stop();
  await amqpProxy?.close();
});

/** Every insert statement into the ride table takes 2 s more, as on a database that is overloaded. */
async function slowInserts(on: boolean) {
  await admin.query(
    on
      ? `CREATE OR REPLACE FUNCTION lift_ride.slow() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN PERFORM pg_sleep(2); RETURN NULL; END $$;
         CREATE TRIGGER slow BEFORE INSERT ON lift_ride.rides FOR EACH STATEMENT EXECUTE FUNCTION lift_ride.slow();`
      : 'DROP TRIGGER slow ON lift_ride.rides',
  );
}

/** Connections of the lift-ride API that are doing write work now (reads are SELECTs). */
async function busyWriteConnections() {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE datname = $1 AND application_name = 'lift-ride' AND state <> 'idle' AND query NOT LIKE 'SELECT%'`,
    [stack.database],
  );
  return rows[0].n as number;
}

describe('abandoned database work', () => {
  it('when the broker is cut and inserts take 2 s, then the busy connections never pass the fallback bulkhead and reads stay served', async () => {
    await amqpProxy.cut();
    await slowInserts(true);
    try {
      let stop = false;
      let maxBusy = 0;
      let slowSeen = 0;
      const polling = (async () => {
        while (!stop) {
          const busy = await busyWriteConnections();
          maxBusy = Math.max(maxBusy, busy);
          if (busy > 0) slowSeen += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const writes: Record<number, number> = {};
      const reads: Record<number, number> = {};
      const rides = distinctRides(400, 81).map((r) => ({ ...r, skierID: r.skierID + 810_000 }));
      let next = 0;
      const started = Date.now();
      const writing = inParallel(rides, 24, async (ride) => {
        if (Date.now() - started > 6_000) return;
        const { status } = await postRide(stack, ride);
        writes[status] = (writes[status] ?? 0) + 1;
      });
      // Reads of skier-days nobody wrote: each is a cache miss answered by Postgres (404).
      const reading = inParallel(Array.from({ length: 4 }), 4, async () => {
        while (Date.now() - started < 6_000) {
          const skier = 880_000 + next++;
          const res = await fetch(`${stack.gatewayUrl}/skiers/4/seasons/2025/days/2/skiers/${skier}`, {
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          reads[res.status] = (reads[res.status] ?? 0) + 1;
        }
      });
      await Promise.all([writing, reading]);
      // Abandoned statements still running show up after the load has stopped.
      await new Promise((resolve) => setTimeout(resolve, 500));
      stop = true;
      await polling;
      console.log(JSON.stringify({ maxBusy, slowSeen, writes, reads }));
      // The fault reached the system: writes went the fallback way and were seen waiting in Postgres.
      expect(slowSeen).toBeGreaterThan(0);
      expect(Object.values(writes).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(maxBusy).toBeLessThanOrEqual(FALLBACK_CONCURRENCY);
      expect(Object.keys(reads)).toEqual(['404']);
    } finally {
      await slowInserts(false);
      await amqpProxy.pass();
    }
    await waitFor(async () => (await busyWriteConnections()) === 0, { message: 'writes ended' });
  }, 60_000);
});
