import { describe, expect, it } from 'vitest';
import { liftRideRecordedV1 } from './lift-ride-recorded.ts';

const valid = {
  type: 'lift-ride.recorded',
  schemaVersion: 1,
  ride: { resortID: 1, seasonID: '2025', dayID: 1, skierID: 7, liftID: 21, time: 217, vertical: 210 },
  acceptedAt: '2026-11-22T10:00:00.000Z',
};

describe('lift-ride.recorded v1', () => {
  it('when a message is well formed, then it parses', () => {
    expect(liftRideRecordedV1.safeParse(valid).success).toBe(true);
  });

  it('when the version or type is another, then it is refused', () => {
    expect(liftRideRecordedV1.safeParse({ ...valid, schemaVersion: 2 }).success).toBe(false);
    expect(liftRideRecordedV1.safeParse({ ...valid, type: 'lift-ride.deleted' }).success).toBe(false);
  });

  it('when a ride field is out of range, then it is refused', () => {
    expect(liftRideRecordedV1.safeParse({ ...valid, ride: { ...valid.ride, time: 0 } }).success).toBe(false);
    expect(liftRideRecordedV1.safeParse({ ...valid, ride: { ...valid.ride, seasonID: 2025 } }).success).toBe(false);
  });
});
