import { describe, expect, it } from 'vitest';
import { liftRideParams } from './schemas/lift-ride.ts';

const valid = { resortID: '1', seasonID: '2025', dayID: '1', skierID: '100000' };

describe('path parameters', () => {
  it('when every parameter is valid, then ids and day parse to numbers and the season stays a string', () => {
    expect(liftRideParams.parse({ resortID: '7', seasonID: '2025', dayID: '366', skierID: '2147483647' })).toEqual({
      resortID: 7,
      seasonID: '2025',
      dayID: 366,
      skierID: 2147483647,
    });
  });

  it.each(['abc', '1.5', '0', '-1', '2147483648', '', ' 1', '1e3', '0x10', '+1', '99999999999'])(
    'when an id is %j, then it is rejected',
    (bad) => {
      for (const key of ['resortID', 'skierID'] as const) {
        expect(liftRideParams.safeParse({ ...valid, [key]: bad }).success).toBe(false);
      }
    },
  );

  it.each(['0', '367', '1.5', 'x', '-3'])('when dayID is %j, then it is rejected', (bad) => {
    expect(liftRideParams.safeParse({ ...valid, dayID: bad }).success).toBe(false);
  });

  it.each(['25', '20255', 'abcd', '202a', ''])('when seasonID is %j, then it is rejected', (bad) => {
    expect(liftRideParams.safeParse({ ...valid, seasonID: bad }).success).toBe(false);
  });

  it('when a parameter is rejected, then the issue names it', () => {
    const result = liftRideParams.safeParse({ ...valid, skierID: 'abc' });
    expect(result.error?.issues.map((issue) => issue.path)).toEqual([['skierID']]);
  });
});
