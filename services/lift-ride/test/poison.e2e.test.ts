import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { liftRideMessage, type RecordedRide } from '@skico/contracts';
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
        CREATE OR REPLACE TRIGGER poison BEFORE INSERT ON lift_ride.rides FOR EACH ROW
          WHEN (NEW.skier_id = ${skierID}) EXECUTE FUNCTION lift_ride.poison();`);
    } else {
      await admin.query('DROP TRIGGER IF EXISTS poison ON lift_ride.rides');
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
    // The log lines come through a pipe that the synchronous list command kept the test from reading.
    const attempts = () => stack.logs().filter((line) => line.includes('message failed;') && line.includes(messageId));
    await waitFor(() => attempts().length >= DELIVERY_LIMIT + 1, {
      timeoutMs: 5_000,
      message: 'too few attempts logged',
    });
    expect(attempts()).toHaveLength(DELIVERY_LIMIT + 1);
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

  it('when one message carries good rides, a poison ride and an invalid ride, then the good rides land once, the invalid ride is dead-lettered at once with its reason, the poison ride alone after the delivery limit, and a redrive of it counts once', async () => {
    await poisonSkier(POISON_SKIER, true);
    const base = { resortID: 3, seasonID: '2025', dayID: 2, vertical: 250 };
    const good: RecordedRide[] = Array.from({ length: 50 }, (_, i) => ({
      ...base,
      skierID: 930_000 + i,
      liftID: 1 + (i % 7),
      time: 100 + i,
      requestId: `good-${i}`,
    }));
    const poison: RecordedRide = { ...base, skierID: POISON_SKIER, liftID: 5, time: 20, requestId: 'poison-1' };
    const invalid = { ...base, skierID: 930_999, liftID: 5, time: 5_000, requestId: 'invalid-1' };
    const poisonKey = `ride:3:2025:2:${POISON_SKIER}:5:20`;
    const invalidKey = 'ride:3:2025:2:930999:5:5000';
    const body = liftRideMessage([...good.slice(0, 25), poison, ...good.slice(25)]);
    body.rides.push(invalid as unknown as RecordedRide);

    const amqp = await import('amqplib');
    const connection = await amqp.connect(stack.settings.amqpUrl);
    const channel = await connection.createConfirmChannel();
    channel.publish(`${stack.namespace}lift-rides`, 'ride', Buffer.from(JSON.stringify(body)), {
      messageId: `rides-${randomUUID()}`,
      persistent: true,
      contentType: 'application/json',
      headers: { 'skico-rides': body.rides.length },
    });
    const notRide = `not-a-ride-${randomUUID()}`;
    channel.publish(`${stack.namespace}lift-rides`, 'ride', Buffer.from('not json'), {
      messageId: notRide,
      persistent: true,
    });
    await channel.waitForConfirms();
    await connection.close();

    const goodRows = async () =>
      Number((await db.query('SELECT count(*) AS n FROM rides WHERE skier_id BETWEEN 930000 AND 930049')).rows[0].n);
    await waitFor(async () => (await goodRows()) === good.length, {
      timeoutMs: 20_000,
      message: 'good rides not persisted',
    });
    type Letter = { messageId: string; reason: string; body?: string; rides?: Record<string, unknown>[] };
    let letters: Letter[] = [];
    const byId = (id: string) => letters.find((l) => l.messageId === id);
    await waitFor(
      () => {
        letters = deadLetters('list').letters;
        return [invalidKey, poisonKey, notRide].every((id) => byId(id) !== undefined);
      },
      { timeoutMs: 30_000, message: 'invalid and poison rides not dead-lettered' },
    );
    expect(byId(invalidKey)?.reason).toMatch(/^time: /);
    expect(byId(invalidKey)?.rides).toEqual([
      expect.objectContaining({ key: invalidKey, requestId: 'invalid-1', time: 5_000 }),
    ]);
    expect(byId(poisonKey)?.reason).toBe('rejected');
    expect(byId(poisonKey)?.rides).toEqual([{ key: poisonKey, ...poison }]);
    // A letter that is no lift-ride message shows its body as it came.
    expect(byId(notRide)).toMatchObject({ body: 'not json', reason: 'rejected' });
    expect(byId(notRide)?.rides).toBeUndefined();
    // The invalid ride was dead-lettered on the first delivery, never tried.
    const logged = (...parts: string[]) => stack.logs().filter((l) => parts.every((p) => l.includes(p)));
    await waitFor(() => logged('invalid ride dead-lettered', invalidKey).length > 0, {
      timeoutMs: 5_000,
      message: 'no log line for the invalid ride',
    });
    expect(logged('invalid ride dead-lettered', invalidKey)).toHaveLength(1);
    // Split out of its message once, then tried as a message of its own until the limit.
    const attempts = () => logged('failed;', poisonKey);
    await waitFor(() => attempts().length >= DELIVERY_LIMIT + 1, {
      timeoutMs: 5_000,
      message: 'too few attempts of the poison ride logged',
    });
    expect(attempts()).toHaveLength(DELIVERY_LIMIT + 1);
    expect(attempts().every((l) => l.includes('poison-1'))).toBe(true);
    expect(await goodRows()).toBe(good.length);

    // Once the cause is fixed, only the poison ride's letter is redriven, and it takes effect once.
    await poisonSkier(POISON_SKIER, false);
    expect(deadLetters('redrive', '--ride', poisonKey)).toMatchObject({ redriven: 1 });
    const poisonRows = async () =>
      Number(
        (await db.query('SELECT count(*) AS n FROM rides WHERE skier_id = $1 AND minute = 20', [POISON_SKIER])).rows[0]
          .n,
      );
    await waitFor(async () => (await poisonRows()) === 1, { timeoutMs: 10_000, message: 'redrive did not persist' });
    const left = (deadLetters('list').letters as Letter[]).map((l) => l.messageId);
    expect(left).toEqual(expect.arrayContaining([invalidKey, notRide]));
    expect(left).not.toContain(poisonKey);
    const days = await db.query(
      'SELECT coalesce(sum(rides), 0) AS n, coalesce(sum(vertical_m), 0) AS v FROM skier_days WHERE skier_id BETWEEN 930000 AND 930049 OR (skier_id = $1 AND day = 2)',
      [POISON_SKIER],
    );
    expect(Number(days.rows[0].n)).toBe(good.length + 1);
    expect(Number(days.rows[0].v)).toBe(250 * (good.length + 1));
    expect(await db.aggregateMismatches()).toBe(0);
  }, 90_000);
});
