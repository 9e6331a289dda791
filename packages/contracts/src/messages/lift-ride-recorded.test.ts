import { describe, expect, it } from 'vitest';
import { liftRideMessage, liftRideRecordedV1, parseLiftRideMessage } from './lift-ride-recorded.ts';

const ride = { resortID: 1, seasonID: '2025', dayID: 1, skierID: 7, liftID: 21, time: 217, vertical: 210 };
const v1 = {
  type: 'lift-ride.recorded',
  schemaVersion: 1,
  ride,
  requestId: 'r-1',
  acceptedAt: '2026-11-22T10:00:00.000Z',
};

describe('lift-ride.recorded v1', () => {
  it('when a message is well formed, then it parses', () => {
    expect(liftRideRecordedV1.safeParse(v1).success).toBe(true);
  });

  it('when the version or type is another, then it is refused', () => {
    expect(liftRideRecordedV1.safeParse({ ...v1, schemaVersion: 2 }).success).toBe(false);
    expect(liftRideRecordedV1.safeParse({ ...v1, type: 'lift-ride.deleted' }).success).toBe(false);
  });

  it('when a ride field is out of range, then it is refused', () => {
    expect(liftRideRecordedV1.safeParse({ ...v1, ride: { ...ride, time: 0 } }).success).toBe(false);
    expect(liftRideRecordedV1.safeParse({ ...v1, ride: { ...ride, seasonID: 2025 } }).success).toBe(false);
  });
});

describe('parseLiftRideMessage', () => {
  it('when a version 1 message comes in, then its one ride is read with its request id', () => {
    expect(parseLiftRideMessage(v1)).toEqual({ ok: true, rides: [{ ...ride, requestId: 'r-1' }], invalid: [] });
  });

  it('when a version 2 message carries rides, then each is read with its own request id', () => {
    const message = liftRideMessage([
      { ...ride, requestId: 'a' },
      { ...ride, time: 218, requestId: 'b' },
    ]);
    expect(JSON.parse(JSON.stringify(message))).toMatchObject({ type: 'lift-ride.recorded', schemaVersion: 2 });
    expect(parseLiftRideMessage(JSON.parse(JSON.stringify(message)))).toEqual({
      ok: true,
      rides: [
        { ...ride, requestId: 'a' },
        { ...ride, time: 218, requestId: 'b' },
      ],
      invalid: [],
    });
  });

  it('when one ride of a version 2 message is invalid, then only that ride is refused, with its reason', () => {
    const parsed = parseLiftRideMessage({ ...liftRideMessage([ride]), rides: [ride, { ...ride, time: 0 }, 'x'] });
    expect(parsed).toMatchObject({ ok: true, rides: [ride] });
    if (!parsed.ok) throw new Error('refused whole');
    expect(parsed.invalid).toHaveLength(2);
    expect(parsed.invalid[0]).toEqual({ ride: { ...ride, time: 0 }, reason: expect.stringMatching(/^time: /) });
  });

  it('when the message is of another version or type, or carries no rides, then it is refused whole', () => {
    expect(parseLiftRideMessage({ ...v1, schemaVersion: 9 })).toMatchObject({ ok: false });
    expect(parseLiftRideMessage({ ...v1, ride: { ...ride, time: 0 } })).toMatchObject({ ok: false });
    expect(parseLiftRideMessage({ ...liftRideMessage([ride]), rides: [] })).toMatchObject({ ok: false });
    expect(parseLiftRideMessage(null)).toMatchObject({ ok: false });
    expect(parseLiftRideMessage('text')).toMatchObject({ ok: false });
  });
});
