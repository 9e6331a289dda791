import type { SkierProfile, SkierProfileBody } from '@skico/contracts';
import type { Pool } from '@skico/pg';

const columns = 'skier_id AS "skierID", name, home_city AS "homeCity", pass_type AS "passType"';

export function createProfileRepository(pool: Pool) {
  return {
    /** Stores a new profile; its id comes from the identity sequence (above the course workload's ids). */
    async create(body: SkierProfileBody): Promise<SkierProfile> {
      const { rows } = await pool.query<SkierProfile>(
        `INSERT INTO profiles (name, home_city, pass_type) VALUES ($1, $2, $3) RETURNING ${columns}`,
        [body.name, body.homeCity, body.passType],
      );
      return rows[0] as SkierProfile;
    },

    async find(skierID: number): Promise<SkierProfile | undefined> {
      const { rows } = await pool.query<SkierProfile>(`SELECT ${columns} FROM profiles WHERE skier_id = $1`, [skierID]);
      return rows[0];
    },

    /** Replaces every field of an existing profile; undefined when there is none. */
    async replace(skierID: number, body: SkierProfileBody): Promise<SkierProfile | undefined> {
      const { rows } = await pool.query<SkierProfile>(
        `UPDATE profiles SET name = $2, home_city = $3, pass_type = $4, updated_at = now()
         WHERE skier_id = $1 RETURNING ${columns}`,
        [skierID, body.name, body.homeCity, body.passType],
      );
      return rows[0];
    },

    /** True when a profile was deleted. */
    async remove(skierID: number): Promise<boolean> {
      const { rowCount } = await pool.query('DELETE FROM profiles WHERE skier_id = $1', [skierID]);
      return (rowCount ?? 0) > 0;
    },
  };
}

export type ProfileRepository = ReturnType<typeof createProfileRepository>;
