import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.ts';

describe('command line', () => {
  it('when no option is given, then it is the course client: 200,000 rides, 64 clients, baseline and drain', () => {
    const o = parseOptions([]);
    if (o === 'help') throw new Error('unexpected help');
    expect(o.config).toMatchObject({
      target: 'http://127.0.0.1:8080',
      workload: 'course',
      requests: 200_000,
      clients: 64,
      model: 'closed',
      baseline: true,
      drain: true,
      startStack: false,
    });
    expect(o.out).toBe('.reports');
  });

  it('when options are given, then they override the defaults', () => {
    const o = parseOptions(['--workload', 'mixed', '--duration', '30', '--model', 'open', '--rate', '500']);
    if (o === 'help') throw new Error('unexpected help');
    expect(o.config).toMatchObject({ workload: 'mixed', durationS: 30, requests: undefined, model: 'open', rate: 500 });
    const p = parseOptions(['--no-baseline', '--no-drain', '--seed', '9', '--start-stack', '--clients', '8']);
    if (p === 'help') throw new Error('unexpected help');
    expect(p.config).toMatchObject({ baseline: false, drain: false, seed: 9, startStack: true, clients: 8 });
  });

  it('when an option is wrong, then it says which', () => {
    expect(() => parseOptions(['--model', 'open'])).toThrow(/--rate/);
    expect(() => parseOptions(['--clients', '0'])).toThrow(/--clients/);
    expect(() => parseOptions(['--bogus'])).toThrow(/bogus/);
    expect(parseOptions(['--help'])).toBe('help');
  });
});
