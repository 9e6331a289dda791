import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot, startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, inParallel, liftRideDb, postRide, rideKeyOf } from './pipeline-kit.ts';

const DELIVERY_LIMIT = 5;
const POISON_SKIER = 777_777;
let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;

/** Runs this repository's dead-letter command against the stack's namespace. */
function deadLetters(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(repoRoot, 'services/lift-ride/src/cli/dead-letters.ts'), ...args],
    { env: { ...process.env, NAMESPACE: stack.namespace }, encoding: 'utf8', timeout: 30_000 },
  );
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** The test's own database: a trigger that makes every insert of one skier fail, as a poison message would. */
async function poisonSkier(skierID: number, on: boolean) {
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${stack.database}` });
  await admin.connect();
  try {
    if (on) {
      await admin.query(`
        CREATE OR REPLACE FUNCTION lift_ride.poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'poison ride for skier %', NEW.skier_id; END $$;
        CREATE TRIGGER poison BEFORE INSERT ON lift_ride.rides FOR EACH ROW
          WHEN (NEW.skier_id = ${skierID}) EXECUTE FUNCTION lift_ride.poison();`);
    } else {
      await admin.query('DROP TRIGGER poison ON lift_ride.rides');
    }
  } finally {
    await admin.end();
  }
}

beforeAll(async () => {
  stack = await startTestStack({ settings: { extra: { QUEUE_DELIVERY_LIMIT: String(DELIVERY_LIMIT) } } });
  db = await liftRideDb(stack);
});
afterAll(async () => {
  await db?.close();
  await stack?.stop();
});

describe('a message that always fails', () => {
  it('when it keeps failing, then it is tried delivery-limit + 1 times, dead-lettered with its reason, and the rides behind it persist', async () => {
    await poisonSkier(POISON_SKIER, true);
    const poison = { resortID: 2, dayID: 1, skierID: POISON_SKIER, liftID: 3, time: 10 };
    expect((await postRide(stack, poison)).status).toBe(201);
    const behind = distinctRides(300, 11);
    await inParallel(behind, 16, async (ride) => {
      expect((await postRide(stack, ride)).status).toBe(201);
    });

    await waitFor(async () => (await db.count()) >= behind.length, {
      timeoutMs: 20_000,
      message: 'good rides not persisted',
    });
    const messageId = `ride:2:2025:1:${POISON_SKIER}:3:10`;
    let listed: { letters: { messageId: string; reason: string }[] } = { letters: [] };
    await waitFor(
      () => {
        listed = deadLetters('list');
        return listed.letters.length > 0;
      },
      { timeoutMs: 30_000, message: 'poison message was not dead-lettered' },
    );
    // The worker counts the failures and rejects the message past the limit: the broker records 'rejected'.
    expect(listed.letters).toEqual([expect.objectContaining({ messageId, reason: 'rejected' })]);
    const attempts = stack.logs().filter((line) => line.includes('message failed;') && line.includes(messageId));
    expect(attempts).toHaveLength(DELIVERY_LIMIT + 1);
    const keys = await db.keys();
    expect(behind.every((r) => keys.has(rideKeyOf(r)))).toBe(true);
    expect(keys.has(rideKeyOf(poison))).toBe(false);

    // Once the cause is fixed, the dead letter is redriven and takes effect once.
    await poisonSkier(POISON_SKIER, false);
    expect(deadLetters('redrive')).toMatchObject({ redriven: 1 });
    await waitFor(async () => (await db.keys()).has(rideKeyOf(poison)), {
      timeoutMs: 10_000,
      message: 'redrive did not persist',
    });
    expect(deadLetters('list').letters).toEqual([]);
    expect(await db.aggregateMismatches()).toBe(0);
  }, 90_000);

  it('when a message is not a valid lift ride, then it goes to the dead-letter queue at once', async () => {
    const amqp = await import('amqplib');
    const connection = await amqp.connect(stack.settings.amqpUrl);
    const channel = await connection.createConfirmChannel();
    channel.publish(
      `${stack.namespace}lift-rides`,
      'ride',
      Buffer.from('{"type":"lift-ride.recorded","schemaVersion":9}'),
      {
        messageId: 'bad-1',
        persistent: true,
      },
    );
    await channel.waitForConfirms();
    await connection.close();
    let letters: { messageId: string; reason: string }[] = [];
    await waitFor(
      () => {
        letters = deadLetters('list').letters;
        return letters.some((l) => l.messageId === 'bad-1');
      },
      { timeoutMs: 10_000, message: 'invalid message not dead-lettered' },
    );
    expect(letters.find((l) => l.messageId === 'bad-1')?.reason).toBe('rejected');
    const attempts = () => stack.logs().filter((line) => line.includes('invalid message') && line.includes('bad-1'));
    await waitFor(() => attempts().length > 0, { timeoutMs: 5_000, message: 'no log line for the rejected message' });
    expect(attempts()).toHaveLength(1);
  });
});
