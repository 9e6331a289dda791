import { describe, expect, it } from 'vitest';
import type { Pool } from './pool.ts';
import { watchReplicaLag } from './replica-lag.ts';

/** A pool whose `SELECT` answers the LSN that `lsn()` gives at the time of the call, or fails. */
const lsnPool = (lsn: () => string | null | Error) =>
  ({
    query: async () => {
      const value = lsn();
      if (value instanceof Error) throw value;
      return { rows: [{ lsn: value }] };
    },
  }) as unknown as Pool;

describe('watchReplicaLag', () => {
  it('when the replica has replayed what the primary had written, then it is within any bound', async () => {
    let clock = 10_000;
    const lag = watchReplicaLag({
      primary: lsnPool(() => '0/3000000'),
      replica: lsnPool(() => '0/3000000'),
      now: () => clock,
    });
    await lag.sample();
    clock += 100;
    expect(lag.within(500)).toBe(true);
    lag.stop();
  });

  it('when the replica stops replaying while the primary writes, then it is within a bound only until the bound has passed since its position was the primary’s', async () => {
    let clock = 0;
    let primary = 0x3000000;
    const hex = (n: number) => `0/${n.toString(16).toUpperCase()}`;
    const lag = watchReplicaLag({
      primary: lsnPool(() => hex(primary)),
      replica: lsnPool(() => hex(0x3000100)),
      now: () => clock,
    });
    for (let i = 0; i < 20; i++) {
      await lag.sample();
      primary += 0x100; // the primary has written 0x3000100 by the second sample (clock 250)
      clock += 250;
    }
    // Sampled last at 4750; the replica holds what the primary had at 250: 4.75 s behind at the last sample.
    clock = 5_000;
    expect(lag.within(4_750)).toBe(true);
    expect(lag.within(2_000)).toBe(false);
    lag.stop();
  });

  it('when a sample fails, then the replica is within no bound until one succeeds', async () => {
    let failing = false;
    const lag = watchReplicaLag({
      primary: lsnPool(() => '0/1'),
      replica: lsnPool(() => (failing ? new Error('connect ECONNREFUSED') : '0/1')),
      now: () => 1_000,
    });
    await lag.sample();
    expect(lag.within(2_000)).toBe(true);
    failing = true;
    await lag.sample();
    expect(lag.within(2_000)).toBe(false);
    lag.stop();
  });

  it('when the read URL is no standby (no replay position), then it is as fresh as the primary', async () => {
    const lag = watchReplicaLag({ primary: lsnPool(() => '0/5'), replica: lsnPool(() => null), now: () => 0 });
    await lag.sample();
    expect(lag.within(0)).toBe(true);
    lag.stop();
  });
});
