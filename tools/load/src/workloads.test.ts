import { describe, expect, it } from 'vitest';
import { courseRides, mixed, type RequestDescriptor, readMix } from './workloads.ts';

const take = (gen: Generator<RequestDescriptor>, n: number) => Array.from({ length: n }, () => gen.next().value);

describe('workload generators', () => {
  it('when the course workload runs, then every ride lies in the course ranges and is a well-formed POST', () => {
    const rides = take(courseRides(1), 20_000);
    const seen = { resort: new Set<number>(), lift: new Set<number>(), day: new Set<number>() };
    const wrong: string[] = [];
    for (const req of rides) {
      const r = req.ride;
      if (!r) throw new Error('a course request without a ride');
      const inRange = r.skierID >= 1 && r.skierID <= 100_000 && r.time >= 1 && r.time <= 360 && r.seasonID === '2025';
      const path = `/skiers/${r.resortID}/seasons/2025/days/${r.dayID}/skiers/${r.skierID}`;
      const body = JSON.stringify({ time: r.time, liftID: r.liftID });
      if (!inRange || req.path !== path || req.body !== body || req.expect[0] !== 201) wrong.push(JSON.stringify(req));
      seen.resort.add(r.resortID);
      seen.lift.add(r.liftID);
      seen.day.add(r.dayID);
    }
    expect(wrong.slice(0, 3)).toEqual([]);
    // Every value of the small ranges is drawn, and nothing outside them.
    expect([...seen.resort].sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect([...seen.lift].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect([...seen.day].sort()).toEqual([1, 2, 3]);
  });

  it('when the same seed is used twice, then the requests are the same; another seed gives others', () => {
    expect(take(courseRides(42), 500)).toEqual(take(courseRides(42), 500));
    expect(take(readMix(42), 500)).toEqual(take(readMix(42), 500));
    expect(take(mixed(42), 500)).toEqual(take(mixed(42), 500));
    expect(take(courseRides(43), 50)).not.toEqual(take(courseRides(42), 50));
  });

  it('when the read mix runs, then it covers the four queries in roughly the planned shares', () => {
    const kinds = new Map<string, number>();
    for (const req of take(readMix(5), 10_000)) {
      expect(req.method).toBe('GET');
      kinds.set(req.kind, (kinds.get(req.kind) ?? 0) + 1);
    }
    expect(kinds.get('day-vertical')).toBeGreaterThan(3_700);
    expect(kinds.get('season-totals')).toBeGreaterThan(2_700);
    expect(kinds.get('unique-skiers')).toBeGreaterThan(1_700);
    expect(kinds.get('resort-list')).toBeGreaterThan(800);
  });

  it('when the mixed profile runs, then about half the requests are rides and the rest reads', () => {
    const writes = take(mixed(9), 10_000).filter((r) => r.method === 'POST').length;
    expect(writes).toBeGreaterThan(4_700);
    expect(writes).toBeLessThan(5_300);
  });
});
