import type { ResortDetail } from '@skico/contracts';
import type { Pool } from '@skico/pg';

export interface ResortRow {
  resortID: number;
  resortName: string;
}

export function createResortRepository(pool: Pool) {
  return {
    async list(): Promise<ResortRow[]> {
      const { rows } = await pool.query<ResortRow>(
        'SELECT resort_id AS "resortID", name AS "resortName" FROM resorts ORDER BY resort_id',
      );
      return rows;
    },

    /** The new resort, or undefined when the name is taken. */
    async create(resortName: string): Promise<ResortRow | undefined> {
      const { rows } = await pool.query<ResortRow>(
        `INSERT INTO resorts (name) VALUES ($1) ON CONFLICT (name) DO NOTHING
         RETURNING resort_id AS "resortID", name AS "resortName"`,
        [resortName],
      );
      return rows[0];
    },

    /**
     * The resort with its seasons and lifts in one round trip, or undefined when it does not exist.
     * The lift-ride service reads this for every uncached resort, so it stays a single indexed query.
     */
    async detail(resortID: number): Promise<ResortDetail | undefined> {
      const { rows } = await pool.query<ResortDetail>(
        `SELECT r.resort_id AS "resortID", r.name AS "resortName",
           coalesce((SELECT json_agg(s.season ORDER BY s.season) FROM seasons s WHERE s.resort_id = r.resort_id),
                    '[]') AS seasons,
           coalesce((SELECT json_agg(json_build_object('liftID', l.lift_id, 'name', l.name, 'verticalRise', l.vertical_m)
                                     ORDER BY l.lift_id)
                     FROM lifts l WHERE l.resort_id = r.resort_id), '[]') AS lifts
         FROM resorts r WHERE r.resort_id = $1`,
        [resortID],
      );
      return rows[0];
    },
  };
}

export type ResortRepository = ReturnType<typeof createResortRepository>;
