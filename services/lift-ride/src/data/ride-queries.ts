import type { Pool } from '@skico/pg';
import type { LiftRate, ResortSeasonTotal, RideQueries, SeasonStats } from '../domain/ride-reads.ts';

/** Read queries over the aggregates; none scans the ride table except the windowed wait-time query. */
export function createRideQueries(pool: Pool): RideQueries {
  // The hot reads are named statements, so that Postgres parses and plans each once per connection instead
  // of on every call: measured, half of its CPU per read (0.086-0.090 -> 0.043-0.053 ms in the read mix).
  const q = <R extends Record<string, unknown>>(name: string, text: string, values: unknown[]) =>
    pool.query<R>({ name, text, values });
  return {
    /** The skier's vertical that day, or undefined when the skier has no ride that day. */
    async dayVertical(resortID: number, seasonID: string, dayID: number, skierID: number): Promise<number | undefined> {
      const { rows } = await q<{ v: string }>(
        'lift-ride-day-vertical',
        'SELECT vertical_m AS v FROM skier_days WHERE skier_id = $1 AND resort_id = $2 AND season = $3 AND day = $4',
        [skierID, resortID, Number(seasonID), dayID],
      );
      return rows[0] ? Number(rows[0].v) : undefined;
    },

    /** The skier's total vertical per resort and season: small, so it is cached whole per skier. */
    async resortSeasonTotals(skierID: number): Promise<ResortSeasonTotal[]> {
      const { rows } = await q<{ r: number; s: number; v: string }>(
        'lift-ride-season-totals',
        `SELECT resort_id AS r, season AS s, sum(vertical_m) AS v FROM skier_days WHERE skier_id = $1
         GROUP BY resort_id, season ORDER BY season, resort_id`,
        [skierID],
      );
      return rows.map((row) => ({ resortID: row.r, seasonID: String(row.s), vertical: Number(row.v) }));
    },

    /** Days skied, vertical and rides over every resort, for one season or (undefined) all of them. */
    async skierStats(skierID: number, seasonID: string | undefined): Promise<SeasonStats> {
      const { rows } = await pool.query<{ days: number; v: string | null; n: string | null }>(
        `SELECT count(DISTINCT (season, day))::int AS days, sum(vertical_m) AS v, sum(rides) AS n FROM skier_days
         WHERE skier_id = $1 AND ($2::smallint IS NULL OR season = $2)`,
        [skierID, seasonID === undefined ? null : Number(seasonID)],
      );
      const row = rows[0];
      return {
        seasonID: seasonID ?? null,
        daysSkied: row?.days ?? 0,
        vertical: Number(row?.v ?? 0),
        rides: Number(row?.n ?? 0),
      };
    },

    /** Distinct skiers with at least one ride at the resort that day. */
    async uniqueSkiers(resortID: number, seasonID: string, dayID: number): Promise<number> {
      const { rows } = await q<{ n: number }>(
        'lift-ride-unique-skiers',
        'SELECT count(*)::int AS n FROM skier_days WHERE resort_id = $1 AND season = $2 AND day = $3',
        [resortID, Number(seasonID), dayID],
      );
      return rows[0]?.n ?? 0;
    },

    /**
     * Rides per lift in the last `windowMinutes` minutes of the day's ride times (the window ends at the
     * latest minute seen). Reads the ride table through its (resort, season, day, minute) index.
     */
    async recentLiftRates(
      resortID: number,
      seasonID: string,
      dayID: number,
      windowMinutes: number,
    ): Promise<{ latestMinute: number | null; lifts: LiftRate[] }> {
      // The latest minute comes from a subquery that Postgres runs first, so the window is an index range
      // whatever the planner knows of the table (a join may read the whole day while the table has no
      // statistics). The window (at least one minute) always holds the latest ride, so its minute is the
      // largest of the rows.
      const { rows } = await pool.query<{ l: number; n: number; latest: number }>(
        `SELECT lift_id AS l, count(*)::int AS n, max(minute) AS latest FROM rides
         WHERE resort_id = $1 AND season = $2 AND day = $3
           AND minute > (SELECT minute FROM rides WHERE resort_id = $1 AND season = $2 AND day = $3
                         ORDER BY minute DESC LIMIT 1) - $4
         GROUP BY lift_id ORDER BY lift_id`,
        [resortID, Number(seasonID), dayID, windowMinutes],
      );
      const latestMinute = rows.length > 0 ? Math.max(...rows.map((row) => row.latest)) : null;
      const lifts = rows.map((row) => ({ liftID: row.l, rides: row.n }));
      return { latestMinute, lifts };
    },
  };
}
