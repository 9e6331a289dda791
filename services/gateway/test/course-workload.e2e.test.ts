import { startTestStack, type TestStack } from '@skico/stack';
import { type ApiClient, createApiClient, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface SentRide {
  resortID: number;
  dayID: number;
  skierID: number;
  liftID: number;
  time: number;
}

/** A small deterministic PRNG, so that a failing run can be replayed with the same rides. */
function random(seed: number) {
  let state = seed >>> 0;
  return (min: number, max: number) => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return min + (state % (max - min + 1));
  };
}

/** Runs the tasks with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

const RIDES = 3_000;
const SEED = 20261122;

let stack: TestStack;
let api: ApiClient;

beforeAll(async () => {
  stack = await startTestStack();
  api = createApiClient(stack.gatewayUrl);
});
afterAll(async () => {
  await stack?.stop();
});

describe('the course workload', () => {
  it('when rides are posted with repeats, then every query equals an independent count of distinct rides', async () => {
    const rand = random(SEED);
    const distinct = new Map<string, SentRide>();
    const sends: SentRide[] = [];
    for (let i = 0; i < RIDES; i++) {
      // Skiers 1..400 so that most skiers ride several times a day and across resorts.
      const r: SentRide = {
        resortID: rand(1, 10),
        dayID: rand(1, 3),
        skierID: rand(1, 400),
        liftID: rand(1, 40),
        time: rand(1, 360),
      };
      sends.push(r);
      // About one ride in ten is sent again, as a client that retries after a lost answer would.
      if (rand(1, 10) === 1) sends.push({ ...r });
      distinct.set(`${r.resortID}:${r.dayID}:${r.skierID}:${r.liftID}:${r.time}`, r);
    }

    const statuses = new Map<number, number>();
    await inParallel(sends, 16, async (r) => {
      const res = await api.post(`/skiers/${r.resortID}/seasons/2025/days/${r.dayID}/skiers/${r.skierID}`, {
        time: r.time,
        liftID: r.liftID,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    });
    expect(Object.fromEntries(statuses)).toEqual({ 201: sends.length });

    const dayVertical = new Map<string, number>();
    const seasonVertical = new Map<string, number>();
    const skiersOfDay = new Map<string, Set<number>>();
    for (const r of distinct.values()) {
      const day = `${r.resortID}:${r.dayID}:${r.skierID}`;
      dayVertical.set(day, (dayVertical.get(day) ?? 0) + 10 * r.liftID);
      const season = `${r.skierID}:${r.resortID}`;
      seasonVertical.set(season, (seasonVertical.get(season) ?? 0) + 10 * r.liftID);
      const resortDay = `${r.resortID}:${r.dayID}`;
      if (!skiersOfDay.has(resortDay)) skiersOfDay.set(resortDay, new Set());
      skiersOfDay.get(resortDay)?.add(r.skierID);
    }

    // The queue's worker writes a moment after the 201s: check until every answer matches, or time out.
    let wrong: string[] = [];
    const verify = async () => {
      wrong = [];
      await inParallel([...dayVertical], 16, async ([key, expected]) => {
        const [resortID, dayID, skierID] = key.split(':');
        const res = await api.get(`/skiers/${resortID}/seasons/2025/days/${dayID}/skiers/${skierID}`);
        if (res.body !== expected) wrong.push(`day vertical ${key}: ${JSON.stringify(res.body)} ≠ ${expected}`);
      });
      await inParallel([...seasonVertical], 16, async ([key, expected]) => {
        const [skierID, resortID] = key.split(':');
        const res = await api.get<{ resorts: { seasonID: string; totalVert: number }[] }>(
          `/skiers/${skierID}/vertical?resort=${resortID}&season=2025`,
        );
        const got = res.body.resorts[0]?.totalVert;
        if (got !== expected) wrong.push(`season vertical ${key}: ${got} ≠ ${expected}`);
      });
      await inParallel([...skiersOfDay], 8, async ([key, skiers]) => {
        const [resortID, dayID] = key.split(':');
        const res = await api.get<{ numSkiers: number }>(`/resorts/${resortID}/seasons/2025/day/${dayID}/skiers`);
        if (res.body.numSkiers !== skiers.size)
          wrong.push(`unique skiers ${key}: ${res.body.numSkiers} ≠ ${skiers.size}`);
      });
      return wrong.length === 0;
    };
    await waitFor(verify, { timeoutMs: 60_000, intervalMs: 500, message: 'answers did not match' }).catch(
      () => undefined,
    );

    expect(wrong.slice(0, 10)).toEqual([]);
    expect(api.violations().slice(0, 5)).toEqual([]);
  }, 180_000);
});
