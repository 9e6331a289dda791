import type { Redis } from '@skico/cache';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import { afterEach, describe, expect, it } from 'vitest';
import { createServerClock, type ServerClock } from './server-clock.ts';

const log = { warn: () => undefined, info: () => undefined } as unknown as Logger;
// Passes every call through: the breaker's own behaviour is tested with it.
const breaker = {
  run: (call: (signal: AbortSignal) => Promise<unknown>) => call(new AbortController().signal),
} as unknown as Breaker;
const clocks: ServerClock[] = [];

/** A Redis whose clock is `redisNow()`, answering TIME after `delayMs` of the local clock. */
function fakeRedis(redisNow: () => number, advanceLocal: (ms: number) => void, delayMs = 2) {
  return {
    on: () => undefined,
    time: async () => {
      advanceLocal(delayMs / 2);
      const t = redisNow();
      advanceLocal(delayMs / 2);
      return [String(Math.floor(t / 1000)), String((t % 1000) * 1000)];
    },
  } as unknown as Redis;
}

afterEach(() => {
  for (const c of clocks.splice(0)) c.close();
});

describe("the gateway's shared clock", () => {
  it("when this process's clock is 5 minutes ahead of Redis's, then now() follows Redis's within the round trip", async () => {
    let local = 1_800_000_000_000 + 300_000;
    const redis = fakeRedis(
      () => local - 300_000,
      (ms) => {
        local += ms;
      },
    );
    const clock = createServerClock({ redis, breaker, log, localNow: () => local });
    clocks.push(clock);
    expect(await clock.refresh()).toBe(true);
    expect(Math.abs(clock.offsetMs() + 300_000)).toBeLessThanOrEqual(1);
    expect(Math.abs(clock.now() - (local - 300_000))).toBeLessThanOrEqual(1);
  });

  it('when Redis cannot be read, then the last offset is kept (and before any reading, the own clock is used)', async () => {
    let local = 1_800_000_000_000;
    let up = false;
    const redis = {
      on: () => undefined,
      time: async () => {
        if (!up) throw new Error('down');
        return [String(Math.floor((local + 60_000) / 1000)), '0'];
      },
    } as unknown as Redis;
    const clock = createServerClock({ redis, breaker, log, localNow: () => local });
    clocks.push(clock);
    expect(await clock.refresh()).toBe(false);
    expect(clock.now()).toBe(local);
    up = true;
    expect(await clock.refresh()).toBe(true);
    expect(clock.offsetMs()).toBe(60_000);
    up = false;
    local += 5_000;
    expect(await clock.refresh()).toBe(false);
    expect(clock.now()).toBe(local + 60_000);
  });

  it('when a reading takes longer than the bound, then it is not taken', async () => {
    let local = 1_800_000_000_000;
    const redis = fakeRedis(
      () => local + 10_000,
      (ms) => {
        local += ms;
      },
      400,
    );
    const clock = createServerClock({ redis, breaker, log, localNow: () => local, maxRoundTripMs: 100 });
    clocks.push(clock);
    expect(await clock.refresh()).toBe(false);
    expect(clock.offsetMs()).toBe(0);
  });
});
