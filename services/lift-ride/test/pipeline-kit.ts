import type { TestStack } from '@skico/stack';
import { type FinalState, formatHistory, type History, type HistoryReport, waitFor } from '@skico/test-kit';
import pg from 'pg';
import { expect } from 'vitest';

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
  // A server that goes away under the client (a test that stops Postgres) fails the client's next query
  // instead of the test process; a test then opens a new one.
  client.on('error', () => undefined);
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
    /**
     * The final state for the history checker: each ride key present (the table's unique key gives 1 each),
     * and, as extra counts, every ride the skier-day aggregates counted beyond the rows present.
     */
    finalState: async (): Promise<FinalState> => {
      const rows = (await client.query('SELECT resort_id, day, skier_id, lift_id, minute FROM rides')).rows;
      const excess = await client.query(`
        SELECT coalesce(sum(greatest(d.rides - coalesce(r.c, 0), 0)), 0) AS n FROM skier_days d
        LEFT JOIN (SELECT resort_id, season, day, skier_id, count(*) AS c FROM rides GROUP BY 1, 2, 3, 4) r
        USING (resort_id, season, day, skier_id)`);
      return {
        counts: new Map(rows.map((r) => [`${r.resort_id}:${r.day}:${r.skier_id}:${r.lift_id}:${r.minute}`, 1])),
        extraCounts: Number(excess.rows[0].n),
      };
    },
    query: (sql: string, params: unknown[] = []) => client.query(sql, params),
    close: () => client.end(),
  };
}

export const expectedVertical = (rides: SentRide[]) => rides.reduce((sum, r) => sum + 10 * r.liftID, 0);

export interface SendRidesOptions {
  /** Concurrent clients. */
  clients: number;
  /** Attempts per ride before the client gives up on it (its outcome stays failed or indeterminate). */
  attempts?: number;
  /** Pause before a retry. */
  retryDelayMs?: number;
  /** Gateways to spread attempts over (a retry goes to the next); the stack's gateway by default. */
  gateways?: string[];
  /** How long one attempt may take before the client abandons it (indeterminate). */
  attemptTimeoutMs?: number;
  /** Pause of each client after each ride (a paced flow instead of as fast as the system answers). */
  pauseMs?: number;
  /** Stop starting rides once this returns true (the rides not started stay unsent). */
  stop?: () => boolean;
  /** Extra headers of every attempt (an Idempotency-Key per ride, say). */
  headers?: (ride: SentRide) => Record<string, string>;
}

/**
 * Sends each ride through the gateway as a client that retries a refused or unanswered ride would, recording
 * every attempt in the history (its status, or indeterminate for a timeout or a dropped connection).
 */
export async function sendRides(stack: TestStack, rides: SentRide[], history: History, options: SendRidesOptions) {
  const gateways = options.gateways ?? [stack.gatewayUrl];
  await inParallel(rides, options.clients, async (ride, index) => {
    if (options.stop?.()) return;
    history.sent(rideKeyOf(ride));
    for (let attempt = 0; attempt < (options.attempts ?? 30); attempt++) {
      const gateway = gateways[(index + attempt) % gateways.length] as string;
      const status = await history.attempt(rideKeyOf(ride), async () => {
        const res = await fetch(
          `${gateway}/skiers/${ride.resortID}/seasons/2025/days/${ride.dayID}/skiers/${ride.skierID}`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...options.headers?.(ride) },
            body: JSON.stringify({ time: ride.time, liftID: ride.liftID }),
            signal: AbortSignal.timeout(options.attemptTimeoutMs ?? 15_000),
          },
        );
        await res.arrayBuffer();
        return res.status;
      });
      if (status === 201) break;
      await new Promise((resolve) => setTimeout(resolve, options.retryDelayMs ?? 200));
    }
    if (options.pauseMs) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
  });
}

/**
 * Waits until every ride answered 201 is in Postgres (up to `drainMs`), reads the final state, prints the
 * history's figures (`<name> history {...}`), and asserts the promises: none lost, none counted twice, none
 * present that was never sent, and skier-day aggregates that match the rides.
 */
export async function judge(
  name: string,
  history: History,
  db: Awaited<ReturnType<typeof liftRideDb>>,
  more: Record<string, unknown> = {},
  drainMs = 60_000,
): Promise<HistoryReport> {
  const acknowledged = history.acknowledged();
  await waitFor(
    async () => {
      const keys = await db.keys();
      return acknowledged.every((k) => keys.has(k));
    },
    { timeoutMs: drainMs, message: `${name}: rides answered 201 are still missing from Postgres` },
  ).catch(() => undefined); // the checker reports what is missing
  const report = history.check(await db.finalState());
  console.log(formatHistory(name, report, more));
  expect(report.lost, `${name}: lost ${report.examples.lost.join(', ')}`).toBe(0);
  expect(report.duplicated, `${name}: duplicated ${report.examples.duplicated.join(', ')}`).toBe(0);
  expect(report.unexpected, `${name}: unexpected ${report.examples.unexpected.join(', ')}`).toBe(0);
  expect(await db.aggregateMismatches()).toBe(0);
  return report;
}
