import { DependencyUnavailable } from '@skico/errors';
import { describe, expect, it } from 'vitest';
import type { Pool } from './pool.ts';
import { readPool } from './read-pool.ts';

const fakePool = (answer: () => Promise<unknown>) => ({ query: answer, totalCount: 0 }) as unknown as Pool;
const rows = (from: string) => async () => ({ rows: [{ from }] });

describe('readPool', () => {
  it('when the replica answers, then the read is its answer', async () => {
    const pool = readPool({ replica: fakePool(rows('replica')), primary: fakePool(rows('primary')) });
    expect((await pool.query('SELECT 1')).rows).toEqual([{ from: 'replica' }]);
  });

  it.each([
    ['its breaker is open', new DependencyUnavailable('postgres-replica', 'open')],
    ['its connection fails', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })],
  ])('when the replica is down (%s), then the read falls back to the primary', async (_, error) => {
    const fellBack: unknown[] = [];
    const pool = readPool({
      replica: fakePool(() => Promise.reject(error)),
      primary: fakePool(rows('primary')),
      onFallback: (err) => fellBack.push(err),
    });
    expect((await pool.query('SELECT 1')).rows).toEqual([{ from: 'primary' }]);
    expect(fellBack).toEqual([error]);
  });

  it('when the replica is not to be used (it lags), then the read goes to the primary without asking it', async () => {
    let asked = 0;
    const pool = readPool({
      replica: fakePool(async () => {
        asked += 1;
        return { rows: [{ from: 'replica' }] };
      }),
      primary: fakePool(rows('primary')),
      useReplica: () => false,
    });
    expect((await pool.query('SELECT 1')).rows).toEqual([{ from: 'primary' }]);
    expect(asked).toBe(0);
  });

  it('when the replica rejects the statement, then the error is the caller’s and the primary is not asked', async () => {
    const rejected = Object.assign(new Error('division by zero'), { code: '22012', severity: 'ERROR' });
    let asked = 0;
    const pool = readPool({
      replica: fakePool(() => Promise.reject(rejected)),
      primary: fakePool(async () => {
        asked += 1;
        return { rows: [] };
      }),
    });
    await expect(pool.query('SELECT 1/0')).rejects.toBe(rejected);
    expect(asked).toBe(0);
  });
});
