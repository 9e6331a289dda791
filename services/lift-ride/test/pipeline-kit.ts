import type { TestStack } from '@skico/stack';
import pg from 'pg';

export interface SentRide {
  resortID: number;
  dayID: number;
  skierID: number;
  liftID: number;
  time: number;
}

export const rideKeyOf = (r: SentRide) => `${r.resortID}:${r.dayID}:${r.skierID}:${r.liftID}:${r.time}`;

/** A deterministic PRNG, so that a failing run can be replayed with the same rides. */
export function seeded(seed: number) {
  let state = seed >>> 0;
  return (min: number, max: number) => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return min + (state % (max - min + 1));
  };
}

/** `count` distinct course-workload rides (resorts 1..10, lifts 1..40, days 1..3, minutes 1..360). */
export function distinctRides(count: number, seed: number, skiers = 2_000): SentRide[] {
  const rand = seeded(seed);
  const rides = new Map<string, SentRide>();
  while (rides.size < count) {
    const r = {
      resortID: rand(1, 10),
      dayID: rand(1, 3),
      skierID: rand(1, skiers),
      liftID: rand(1, 40),
      time: rand(1, 360),
    };
    rides.set(rideKeyOf(r), r);
  }
  return [...rides.values()];
}

/** Runs the tasks with at most `limit` in flight. */
export async function inParallel<T>(items: T[], limit: number, task: (item: T, index: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Posts a ride through the gateway; returns the status and Retry-After. */
export async function postRide(stack: TestStack, r: SentRide, headers: Record<string, string> = {}) {
  const res = await fetch(`${stack.gatewayUrl}/skiers/${r.resortID}/seasons/2025/days/${r.dayID}/skiers/${r.skierID}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ time: r.time, liftID: r.liftID }),
    signal: AbortSignal.timeout(15_000),
  });
  await res.arrayBuffer();
  return {
    status: res.status,
    retryAfter: res.headers.get('retry-after'),
    replayed: res.headers.get('idempotent-replayed'),
  };
}

/** A client of the stack's lift_ride schema, for what an observer sees in Postgres. */
export async function liftRideDb(stack: TestStack) {
  const client = new pg.Client({ connectionString: stack.databaseUrlOf('lift-ride') });
  await client.connect();
  return {
    count: async () => Number((await client.query('SELECT count(*) AS n FROM rides')).rows[0].n),
    keys: async () =>
      new Set(
        (await client.query('SELECT resort_id, day, skier_id, lift_id, minute FROM rides')).rows.map(
          (r) => `${r.resort_id}:${r.day}:${r.skier_id}:${r.lift_id}:${r.minute}`,
        ),
      ),
    /** Skier-day aggregates that disagree with a recount of the ride table (must be none). */
    aggregateMismatches: async () =>
      Number(
        (
          await client.query(`
            SELECT count(*) AS n FROM (
              SELECT resort_id, season, day, skier_id, sum(vertical_m) AS v, count(*) AS c FROM rides GROUP BY 1, 2, 3, 4
            ) r FULL JOIN skier_days d USING (resort_id, season, day, skier_id)
            WHERE r.v IS DISTINCT FROM d.vertical_m OR r.c IS DISTINCT FROM d.rides`)
        ).rows[0].n,
      ),
    /** Total vertical of all skier-days: equals 10 × liftID summed over the distinct rides sent. */
    totalVertical: async () =>
      Number((await client.query('SELECT coalesce(sum(vertical_m), 0) AS v FROM skier_days')).rows[0].v),
    query: (sql: string, params: unknown[] = []) => client.query(sql, params),
    close: () => client.end(),
  };
}

export const expectedVertical = (rides: SentRide[]) => rides.reduce((sum, r) => sum + 10 * r.liftID, 0);
