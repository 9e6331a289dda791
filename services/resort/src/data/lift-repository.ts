import type { Lift } from '@skico/contracts';
import type { Pool } from '@skico/pg';
import { isPgError, pgErrorCodes } from './pg-error.ts';

export interface LiftWrite {
  name: string;
  verticalRise: number;
}

export function createLiftRepository(pool: Pool) {
  return {
    /** The resort's lifts by id, or undefined when the resort does not exist. */
    async list(resortID: number): Promise<Lift[] | undefined> {
      const { rows } = await pool.query<{ lifts: Lift[] }>(
        `SELECT coalesce((SELECT json_agg(json_build_object('liftID', l.lift_id, 'name', l.name,
                                                            'verticalRise', l.vertical_m) ORDER BY l.lift_id)
                          FROM lifts l WHERE l.resort_id = r.resort_id), '[]') AS lifts
         FROM resorts r WHERE r.resort_id = $1`,
        [resortID],
      );
      return rows[0]?.lifts;
    },

    /** Creates or replaces a lift; undefined when the resort does not exist. */
    async put(
      resortID: number,
      liftID: number,
      lift: LiftWrite,
    ): Promise<{ lift: Lift; created: boolean } | undefined> {
      try {
        // xmax is 0 on a freshly inserted row and set on one the ON CONFLICT branch updated.
        const { rows } = await pool.query<Lift & { created: boolean }>(
          `INSERT INTO lifts (resort_id, lift_id, name, vertical_m) VALUES ($1, $2, $3, $4)
           ON CONFLICT (resort_id, lift_id) DO UPDATE SET name = EXCLUDED.name, vertical_m = EXCLUDED.vertical_m
           RETURNING lift_id AS "liftID", name, vertical_m AS "verticalRise", (xmax = 0) AS created`,
          [resortID, liftID, lift.name, lift.verticalRise],
        );
        const row = rows[0];
        if (!row) throw new Error('lift upsert returned no row');
        const { created, ...saved } = row;
        return { lift: saved, created };
      } catch (err) {
        if (isPgError(err, pgErrorCodes.foreignKeyViolation)) return undefined;
        throw err;
      }
    },
  };
}

export type LiftRepository = ReturnType<typeof createLiftRepository>;
