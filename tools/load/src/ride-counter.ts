import pg from 'pg';
import type { RideLedger } from './ride-ledger.ts';

const countFoundSql = `
  SELECT count(*)::int AS n
  FROM unnest($1::int[], $2::smallint[], $3::smallint[], $4::int[], $5::int[], $6::smallint[])
    AS k(resort_id, season, day, skier_id, lift_id, minute)
  JOIN lift_ride.rides r USING (resort_id, season, day, skier_id, lift_id, minute)`;

/** Counts lift rides in Postgres, as the lift-ride role: all rows, or exactly those of a ledger. */
export async function createRideCounter(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'skico-load' });
  await client.connect();
  return {
    /** Every row of lift_ride.rides: cheap enough to poll. */
    async countRows(): Promise<number> {
      const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM lift_ride.rides');
      return Number(rows[0]?.n ?? 0);
    },
    /** How many of the ledger's rides have their row, by natural key: exact, but a join of every key. */
    async countFound(ledger: RideLedger): Promise<number> {
      const c = ledger.columns();
      const { rows } = await client.query<{ n: number }>(countFoundSql, [
        c.resort,
        c.season,
        c.day,
        c.skier,
        c.lift,
        c.minute,
      ]);
      return rows[0]?.n ?? 0;
    },
    close: () => client.end(),
  };
}

export type RideCounter = Awaited<ReturnType<typeof createRideCounter>>;
