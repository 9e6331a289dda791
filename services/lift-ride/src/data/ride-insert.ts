import { boundedQuery, type Pool } from '@skico/pg';
import type { InsertBounds, InsertRides } from '../domain/persist-rides.ts';
import type { Ride } from '../domain/ride.ts';

/**
 * Inserts rides and updates the skier-day aggregates in one statement, and so in one transaction: a
 * statement outside BEGIN is a transaction of its own (BEGIN and COMMIT around it cost two more round
 * trips per batch). Rides already present (same natural key) are skipped, and the aggregates count only
 * the rows this statement actually added, so a ride takes effect once however often it arrives. Rows are
 * sorted by key so that concurrent batches lock in the same order and do not deadlock.
 * The statement ends when its caller gives up (`bounds`). Returns the rides that were new.
 */
export function createRideInsert(pool: Pool): InsertRides {
  return (rides, bounds) => insertRides(pool, rides, bounds);
}

async function insertRides(pool: Pool, rides: Ride[], bounds: InsertBounds): Promise<Ride[]> {
  if (rides.length === 0) return [];
  const { rows } = await boundedQuery<{ r: number; s: number; d: number; k: number; l: number; m: number; v: number }>(
    pool,
    {
      text: `WITH input AS (
       SELECT * FROM unnest($1::int[], $2::smallint[], $3::smallint[], $4::int[], $5::int[], $6::smallint[], $7::int[])
         AS t(resort_id, season, day, skier_id, lift_id, minute, vertical_m)
     ),
     inserted AS (
       INSERT INTO rides (resort_id, season, day, skier_id, lift_id, minute, vertical_m)
       SELECT * FROM input ORDER BY resort_id, season, day, skier_id, lift_id, minute
       ON CONFLICT DO NOTHING
       RETURNING resort_id, season, day, skier_id, lift_id, minute, vertical_m
     ),
     aggregated AS (
       INSERT INTO skier_days AS sd (skier_id, resort_id, season, day, vertical_m, rides)
       SELECT skier_id, resort_id, season, day, sum(vertical_m), count(*) FROM inserted
       GROUP BY skier_id, resort_id, season, day
       ORDER BY skier_id, resort_id, season, day
       ON CONFLICT (skier_id, resort_id, season, day)
       DO UPDATE SET vertical_m = sd.vertical_m + EXCLUDED.vertical_m, rides = sd.rides + EXCLUDED.rides
     )
     SELECT resort_id AS r, season AS s, day AS d, skier_id AS k, lift_id AS l, minute AS m, vertical_m AS v FROM inserted`,
      values: [
        rides.map((r) => r.resortID),
        rides.map((r) => Number(r.seasonID)),
        rides.map((r) => r.dayID),
        rides.map((r) => r.skierID),
        rides.map((r) => r.liftID),
        rides.map((r) => r.time),
        rides.map((r) => r.vertical),
      ],
    },
    bounds,
  );
  return rows.map((row) => ({
    resortID: row.r,
    seasonID: String(row.s),
    dayID: row.d,
    skierID: row.k,
    liftID: row.l,
    time: row.m,
    vertical: row.v,
  }));
}
