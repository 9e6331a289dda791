import type { Pool } from '@skico/pg';
import { isPgError, pgErrorCodes } from './pg-error.ts';

export function createSeasonRepository(pool: Pool) {
  return {
    /** The resort's seasons in order, or undefined when the resort does not exist. */
    async list(resortID: number): Promise<string[] | undefined> {
      const { rows } = await pool.query<{ season: string | null }>(
        `SELECT s.season FROM resorts r LEFT JOIN seasons s USING (resort_id)
         WHERE r.resort_id = $1 ORDER BY s.season`,
        [resortID],
      );
      if (rows.length === 0) return undefined;
      return rows.flatMap((r) => (r.season === null ? [] : [r.season]));
    },

    /** Adds a season; adding one that exists already is a no-op. False when the resort does not exist. */
    async add(resortID: number, season: string): Promise<boolean> {
      try {
        await pool.query('INSERT INTO seasons (resort_id, season) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
          resortID,
          season,
        ]);
        return true;
      } catch (err) {
        if (isPgError(err, pgErrorCodes.foreignKeyViolation)) return false;
        throw err;
      }
    },
  };
}

export type SeasonRepository = ReturnType<typeof createSeasonRepository>;
