import { describe, expect, it } from 'vitest';
import { liftRideBody, verticalQuery } from './lift-ride.ts';
import { liftPutBody, resortCreateBody, seasonCreateBody } from './resort.ts';
import { skierProfileBody } from './skier.ts';
import { weatherPutBody } from './weather.ts';

describe('lift ride body (course contract)', () => {
  it('when time and liftID are in range, then it parses and extra fields are dropped', () => {
    expect(liftRideBody.parse({ time: 217, liftID: 21, waitTime: 3 })).toEqual({ time: 217, liftID: 21 });
  });

  it.each([
    { time: 0, liftID: 1 },
    { time: 1441, liftID: 1 },
    { time: 1.5, liftID: 1 },
    { time: '217', liftID: 1 },
    { time: 10, liftID: 0 },
    { time: 10, liftID: 2 ** 31 },
    { time: 10 },
  ])('when the ride is %j, then it is rejected', (bad) => {
    expect(liftRideBody.safeParse(bad).success).toBe(false);
  });
});

describe('season body (course contract)', () => {
  it('when the year is a 4-digit string, then it parses', () => {
    expect(seasonCreateBody.parse({ year: '2026' })).toEqual({ year: '2026' });
  });

  it.each([{ year: 2026 }, { year: '26' }, {}])('when the body is %j, then it is rejected', (bad) => {
    expect(seasonCreateBody.safeParse(bad).success).toBe(false);
  });
});

describe('admin and profile bodies', () => {
  const examples = [
    ['resort', resortCreateBody, { resortName: 'Cedar Peak' }],
    ['lift', liftPutBody, { name: 'Summit Express', verticalRise: 350 }],
    [
      'weather',
      weatherPutBody,
      { summary: 'Sunny', conditions: 'clear', temperatureC: -4, snowDepthCm: 120, windKph: 10 },
    ],
    ['skier profile', skierProfileBody, { name: 'Ada', homeCity: 'Innsbruck', passType: 'season' }],
  ] as const;

  it.each(examples)('when a %s body is complete, then it parses', (_, schema, body) => {
    expect(schema.safeParse(body).success).toBe(true);
  });

  it.each(examples)('when a %s body has an unknown field, then it is rejected', (_, schema, body) => {
    const result = schema.safeParse({ ...body, isAdmin: true });
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });

  it('when a profile omits its home city, then it is null', () => {
    expect(skierProfileBody.parse({ name: 'Ada', passType: 'day' }).homeCity).toBeNull();
  });

  it('when a lift has a negative vertical rise or a profile an unknown pass type, then it is rejected', () => {
    expect(liftPutBody.safeParse({ name: 'T-bar', verticalRise: -1 }).success).toBe(false);
    expect(skierProfileBody.safeParse({ name: 'Ada', passType: 'platinum' }).success).toBe(false);
  });
});

describe('vertical query', () => {
  it('when resort is given once or repeated, then it parses into a list of numbers', () => {
    expect(verticalQuery.parse({ resort: '3' })).toEqual({ resort: [3] });
    expect(verticalQuery.parse({ resort: ['3', '4'], season: '2025' })).toEqual({ resort: [3, 4], season: ['2025'] });
  });

  it('when resort is missing or malformed, then it is rejected', () => {
    expect(verticalQuery.safeParse({}).success).toBe(false);
    expect(verticalQuery.safeParse({ resort: [] }).success).toBe(false);
    expect(verticalQuery.safeParse({ resort: ['3', 'x'] }).success).toBe(false);
    expect(verticalQuery.safeParse({ resort: '3', season: ['2025', '25'] }).success).toBe(false);
  });
});
