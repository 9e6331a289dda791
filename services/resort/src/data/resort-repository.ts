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

    async exists(resortID: number): Promise<boolean> {
      const { rowCount } = await pool.query('SELECT 1 FROM resorts WHERE resort_id = $1', [resortID]);
      return (rowCount ?? 0) > 0;
    },

    /** The resort's seasons in order, or undefined when the resort does not exist. */
    async seasons(resortID: number): Promise<string[] | undefined> {
      const { rows } = await pool.query<{ season: string | null }>(
        `SELECT s.season FROM resorts r LEFT JOIN seasons s USING (resort_id)
         WHERE r.resort_id = $1 ORDER BY s.season`,
        [resortID],
      );
      if (rows.length === 0) return undefined;
      return rows.flatMap((r) => (r.season === null ? [] : [r.season]));
    },
  };
}

export type ResortRepository = ReturnType<typeof createResortRepository>;
