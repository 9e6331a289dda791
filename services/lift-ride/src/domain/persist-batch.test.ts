import { liftRideMessage, parseLiftRideMessage, type RecordedRide } from '@skico/contracts';
import { DependencyUnavailable } from '@skico/errors';
import type { Logger } from '@skico/log';
import { type Delivery, isHoldBatch, type Outcome, type Part } from '@skico/messaging';
import { describe, expect, it } from 'vitest';
import { persistBatch } from './persist-batch.ts';
import type { PersistRides } from './persist-rides.ts';
import { type Ride, rideKey } from './ride.ts';

const BAD_SKIER = 666;

function ride(n: number, skierID = 1_000 + n): RecordedRide {
  return {
    resortID: 1,
    seasonID: '2025',
    dayID: 1 + (n % 3),
    skierID,
    liftID: 1 + (n % 40),
    time: 1 + (n % 360),
    vertical: 100,
    requestId: `req-${n}`,
  };
}

function delivery(body: unknown, messageId: string, headers: Record<string, unknown> = {}): Delivery {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return { body: Buffer.from(raw), messageId, headers, deliveryCount: 0, publishedAt: undefined };
}

const v2 = (rides: unknown[], messageId: string) =>
  delivery({ ...liftRideMessage([]), rides }, messageId, { 'skico-rides': rides.length });

/** A Postgres stand-in: a statement holding a ride of BAD_SKIER fails; the others commit. */
function fakePersist(options: { unavailable?: boolean } = {}) {
  const statements: Ride[][] = [];
  const committed: Ride[] = [];
  const persist: PersistRides = async (rides) => {
    statements.push(rides);
    if (options.unavailable) throw new DependencyUnavailable('postgres', 'open');
    if (rides.some((r) => r.skierID === BAD_SKIER)) throw new Error(`poison ride for skier ${BAD_SKIER}`);
    committed.push(...rides);
    return rides;
  };
  return { persist, statements, committed };
}

/** A logger that keeps its lines, with the bindings of its children. */
function recordingLog() {
  const lines: Record<string, unknown>[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const write = (level: string) => (obj: Record<string, unknown>, msg?: string) =>
      lines.push({ level, ...bindings, ...obj, msg });
    return {
      child: (more: Record<string, unknown>) => make({ ...bindings, ...more }),
      debug: write('debug'),
      info: write('info'),
      warn: write('warn'),
      error: write('error'),
      isLevelEnabled: () => true,
    } as unknown as Logger;
  };
  return { log: make({}), lines };
}

const partsOf = (outcome: Outcome | undefined): Part[] =>
  typeof outcome === 'object' ? outcome.split : expect.fail(`not a split: ${String(outcome)}`);
const ridesOfPart = (part: Part) => {
  const parsed = parseLiftRideMessage(JSON.parse(part.body.toString('utf8')));
  return parsed.ok ? { rides: parsed.rides, invalid: parsed.invalid } : expect.fail(parsed.reason);
};
const withoutRequestId = ({ requestId: _id, ...r }: RecordedRide) => r;

describe('persisting a batch of ride messages', () => {
  it('when one ride among 200 in four messages fails, then it is isolated in about 2·log2(200) statements, its neighbours are written once, and it goes on alone', async () => {
    const rides = Array.from({ length: 200 }, (_, n) => ride(n));
    const bad = { ...ride(77), skierID: BAD_SKIER };
    rides[77] = bad;
    const batch = [0, 1, 2, 3].map((m) => v2(rides.slice(m * 50, m * 50 + 50), `rides-${m}`));
    const db = fakePersist();
    const { log, lines } = recordingLog();

    const outcomes = await persistBatch({ persist: db.persist, log }, batch);

    expect(db.statements[0]).toHaveLength(200);
    expect(db.statements.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(200)));
    expect(db.committed.map(rideKey).sort()).toEqual(
      rides
        .filter((r) => r !== bad)
        .map(rideKey)
        .sort(),
    );
    expect(outcomes[0]).toBe('ack');
    expect(outcomes[2]).toBe('ack');
    expect(outcomes[3]).toBe('ack');
    const [part, ...more] = partsOf(outcomes[1]);
    expect(more).toEqual([]);
    expect(part).toMatchObject({
      outcome: 'retry',
      messageId: rideKey(bad),
      headers: { 'skico-rides': 1, 'x-request-id': 'req-77' },
    });
    expect(part?.reason).toContain('poison ride');
    expect(ridesOfPart(part as Part)).toEqual({ rides: [bad], invalid: [] });
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        rideKey: rideKey(bad),
        requestId: 'req-77',
        msg: expect.stringMatching(/^ride failed;/),
      }),
    );
  });

  it('when a message carries invalid rides, then each goes to the dead-letter queue alone with its reason, and its valid rides are written in the one statement', async () => {
    const good = [ride(1), ride(2)];
    const tooLate = { ...ride(3), time: 5_000 };
    const { skierID: _s, ...noSkier } = ride(4);
    const db = fakePersist();
    const { log } = recordingLog();

    const outcomes = await persistBatch({ persist: db.persist, log }, [
      v2([good[0], tooLate, noSkier, good[1]], 'rides-a'),
      v2([ride(5)], rideKey(ride(5))),
    ]);

    expect(db.statements).toHaveLength(1);
    expect(db.committed.map(rideKey).sort()).toEqual([...good, ride(5)].map(rideKey).sort());
    expect(outcomes[1]).toBe('ack');
    const parts = partsOf(outcomes[0]);
    expect(parts.map((p) => p.outcome)).toEqual(['reject', 'reject']);
    expect(parts[0]).toMatchObject({ messageId: rideKey(tooLate), headers: { 'x-request-id': 'req-3' } });
    expect(parts[0]?.reason).toMatch(/^time: /);
    // Without a skier, the ride has no natural key: the message and the ride's place name it.
    expect(parts[1]?.messageId).toBe('rides-a#2');
    expect(parts[1]?.reason).toMatch(/^skierID: /);
    expect(ridesOfPart(parts[0] as Part).invalid.map((i) => i.ride)).toEqual([tooLate]);
    expect(ridesOfPart(parts[1] as Part).invalid.map((i) => i.ride)).toEqual([noSkier]);
  });

  it.each([
    [
      'version 1',
      (r: RecordedRide) =>
        delivery(
          {
            type: 'lift-ride.recorded',
            schemaVersion: 1,
            ride: withoutRequestId(r),
            requestId: r.requestId,
            acceptedAt: new Date().toISOString(),
          },
          rideKey(r),
        ),
    ],
    ['version 2', (r: RecordedRide) => v2([r], rideKey(r))],
  ])(
    'when every ride of a %s message fails, then the message is retried whole and its failure logged',
    async (_, message) => {
      const bad = { ...ride(9), skierID: BAD_SKIER };
      const db = fakePersist();
      const { log, lines } = recordingLog();

      const outcomes = await persistBatch({ persist: db.persist, log }, [message(bad), v2([ride(10)], 'ok')]);

      expect(outcomes).toEqual(['retry', 'ack']);
      expect(db.committed.map(rideKey)).toEqual([rideKey(ride(10))]);
      expect(lines).toContainEqual(
        expect.objectContaining({
          messageId: rideKey(bad),
          requestId: 'req-9',
          msg: 'message failed; it is retried up to the delivery limit',
        }),
      );
    },
  );

  it('when a message is not a lift-ride message, then it is rejected whole and the others are written', async () => {
    const db = fakePersist();
    const { log } = recordingLog();
    const outcomes = await persistBatch({ persist: db.persist, log }, [
      delivery('{"type":"lift-ride.recorded","schemaVersion":9}', 'bad-1'),
      delivery('not json', 'bad-2'),
      v2([ride(1)], 'ok'),
    ]);
    expect(outcomes).toEqual(['reject', 'reject', 'ack']);
    expect(db.committed).toHaveLength(1);
  });

  it('when Postgres is unavailable, then the batch is held', async () => {
    const db = fakePersist({ unavailable: true });
    const { log } = recordingLog();
    const held = await persistBatch({ persist: db.persist, log }, [v2([ride(1), ride(2)], 'a')]).catch((e) => e);
    expect(isHoldBatch(held)).toBe(true);
  });
});
