import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('when given k6 durations, then it answers milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5s')).toBe(1_500);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('0')).toBe(0);
  });

  it('when given anything else, then it throws naming the option', () => {
    for (const bad of ['', '30', '5 s', '1d', '10us', 's', '1m30', 30]) {
      expect(() => parseDuration(bad, 'scenarios.load.duration')).toThrow(/scenarios\.load\.duration/);
    }
  });
});
