import { describe, expect, it } from 'vitest';
import { processes } from './processes.ts';
import { parseScale, replicasOf } from './replicas.ts';

describe('replicas of the stack', () => {
  it('when a scale is given, then each process runs that many replicas, the first under its own name', () => {
    const scale = parseScale('gateway=2,lift-ride=2,skier=2,worker=3');
    expect(scale).toEqual({ gateway: 2, 'lift-ride': 2, skier: 2, 'lift-ride-worker': 3 });
    expect(replicasOf(processes, scale).map((r) => r.name)).toEqual([
      'resort',
      'lift-ride',
      'lift-ride-2',
      'lift-ride-worker',
      'lift-ride-worker-2',
      'lift-ride-worker-3',
      'skier',
      'skier-2',
      'gateway',
      'gateway-2',
    ]);
  });

  it('when a scale names the worker by its short name, then the workers are scaled', () => {
    expect(replicasOf(processes, { worker: 2 }).filter((r) => r.replicaOf === 'lift-ride-worker')).toHaveLength(2);
  });

  it('when no scale is given, then there is one of each, as before', () => {
    expect(replicasOf(processes, undefined).map((r) => r.name)).toEqual(processes.map((p) => p.name));
  });

  it('when a name or a count is wrong, then the scale is refused, naming it', () => {
    expect(() => parseScale('postgres=2')).toThrow(/no process postgres/);
    expect(() => parseScale('gateway=0')).toThrow(/gateway=0/);
  });
});
