import { describe, expect, it } from 'vitest';
import { baseUrlList, createReplicas, type ReplicaBreaker } from './replicas.ts';

const fakeBreaker = (name: string, state: ReplicaBreaker['state']): ReplicaBreaker => ({
  name,
  state,
  on: () => undefined,
  run: (call) => call(new AbortController().signal),
});
const states = new Map<string, ReturnType<ReplicaBreaker['state']>>();
const replicas = () =>
  createReplicas({
    name: 'lift-ride',
    baseUrls: ['http://127.0.0.1:8083', 'http://127.0.0.1:8183', 'http://127.0.0.1:8283'],
    connections: 1,
    breaker: (name) => fakeBreaker(name, () => states.get(name) ?? 'closed'),
  });

describe('createReplicas', () => {
  it('when every circuit is closed, then calls go round robin, each replica named by its address', () => {
    states.clear();
    const set = replicas();
    const picked = [1, 2, 3, 4].map(() => set.pick().breaker.name);
    expect(picked).toEqual([
      'lift-ride@127.0.0.1:8083',
      'lift-ride@127.0.0.1:8183',
      'lift-ride@127.0.0.1:8283',
      'lift-ride@127.0.0.1:8083',
    ]);
  });

  it("when a replica's circuit is open or half-open, then it is skipped while another can serve", () => {
    states.clear();
    states.set('lift-ride@127.0.0.1:8183', 'open');
    states.set('lift-ride@127.0.0.1:8283', 'half-open');
    const set = replicas();
    const picked = [1, 2, 3, 4].map(() => set.pick().breaker.name);
    expect(new Set(picked)).toEqual(new Set(['lift-ride@127.0.0.1:8083']));
  });

  it('when a retry avoids the replica it left, then another is picked; when all are open, one is still given', () => {
    states.clear();
    const set = replicas();
    const first = set.pick();
    for (let i = 0; i < 5; i++) expect(set.pick(first)).not.toBe(first);
    for (const r of set.all) states.set(r.breaker.name, 'open');
    expect(set.all).toContain(set.pick());
  });

  it('when there is one URL, then the replica carries the service name alone', () => {
    const set = createReplicas({
      name: 'resort',
      baseUrls: baseUrlList('http://127.0.0.1:8081'),
      connections: 1,
      breaker: (name) => fakeBreaker(name, () => 'closed'),
    });
    expect(set.pick().breaker.name).toBe('resort');
    expect(baseUrlList(' http://a:1, http://b:2 ,')).toEqual(['http://a:1', 'http://b:2']);
  });
});
