import type { Ride } from './workloads.ts';

/**
 * The distinct lift rides the target accepted. The course workload can draw the same natural key
 * (resort, season, day, skier, lift, minute) twice, and Postgres keeps one row per key, so the drain
 * check expects one row per distinct key, not per 201.
 */
export function createRideLedger() {
  const rides = new Map<string, Ride>();
  return {
    add(r: Ride) {
      const key = `${r.resortID}:${r.seasonID}:${r.dayID}:${r.skierID}:${r.liftID}:${r.time}`;
      if (!rides.has(key)) rides.set(key, r);
    },
    get size() {
      return rides.size;
    },
    /** The rides as one array per column, the shape an unnest() query takes. */
    columns() {
      const cols = { resort: [] as number[], season: [] as number[], day: [] as number[] };
      const more = { skier: [] as number[], lift: [] as number[], minute: [] as number[] };
      for (const r of rides.values()) {
        cols.resort.push(r.resortID);
        cols.season.push(Number(r.seasonID));
        cols.day.push(r.dayID);
        more.skier.push(r.skierID);
        more.lift.push(r.liftID);
        more.minute.push(r.time);
      }
      return { ...cols, ...more };
    },
  };
}

export type RideLedger = ReturnType<typeof createRideLedger>;
