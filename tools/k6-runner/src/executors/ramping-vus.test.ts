import { describe, expect, it } from 'vitest';
import { rampingTarget } from './ramping-vus.ts';

describe('rampingTarget', () => {
  const stages = [
    { durationMs: 1_000, target: 10 },
    { durationMs: 1_000, target: 10 },
    { durationMs: 500, target: 0 },
  ];

  it('when ramping up, then whole VUs are added as the line reaches them', () => {
    expect(rampingTarget(0, stages, 0)).toBe(0);
    expect(rampingTarget(0, stages, 99)).toBe(0);
    expect(rampingTarget(0, stages, 100)).toBe(1);
    expect(rampingTarget(0, stages, 550)).toBe(5);
  });

  it('when holding and ramping down, then VUs are removed as the line passes them, reaching 0 at the end', () => {
    expect(rampingTarget(0, stages, 1_500)).toBe(10);
    expect(rampingTarget(0, stages, 2_000)).toBe(10);
    expect(rampingTarget(0, stages, 2_010)).toBe(10);
    expect(rampingTarget(0, stages, 2_050)).toBe(9);
    expect(rampingTarget(0, stages, 2_499)).toBe(1);
    expect(rampingTarget(0, stages, 2_500)).toBe(0);
  });

  it('when starting with VUs, then the first stage ramps from startVUs', () => {
    expect(rampingTarget(4, [{ durationMs: 1_000, target: 4 }], 500)).toBe(4);
    expect(rampingTarget(20, [{ durationMs: 100, target: 200 }], 50)).toBe(110);
  });
});
