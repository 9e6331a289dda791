import { createHash } from 'node:crypto';
import type { SkierProfile, SkierProfileBody } from '@skico/contracts';
import type { Pool } from '@skico/pg';

const columns = 'skier_id AS "skierID", name, home_city AS "homeCity", pass_type AS "passType"';

/** What a keyed create came to: made now, found from an earlier request with the key, or the key was used for another body. */
export type KeyedCreate = { profile: SkierProfile; replayed: boolean } | 'key-reused';

// The key's row and the profile in one statement: a concurrent create with the same key waits on the
// key's unique index and then inserts nothing, so one profile exists however many requests carry the key.
const createKeyed = `
  WITH claim AS (
    INSERT INTO profile_creations (idempotency_key, request_hash, skier_id, answer)
    SELECT $1, $2, id, jsonb_build_object('skierID', id, 'name', $3::text, 'homeCity', $4::text, 'passType', $5::text)
    FROM (SELECT nextval(pg_get_serial_sequence('profiles', 'skier_id'))::int AS id) AS next
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING skier_id
  )
  INSERT INTO profiles (skier_id, name, home_city, pass_type) SELECT skier_id, $3, $4, $5 FROM claim
  RETURNING ${columns}`;

const requestHash = (body: SkierProfileBody) =>
  createHash('sha256')
    .update(JSON.stringify([body.name, body.homeCity ?? null, body.passType]))
    .digest('hex');

/** Profiles over `pool`; a profile read goes to `reads` (a replica's pool, or the same pool). */
export function createProfileRepository(pool: Pool, reads: Pool = pool) {
  return {
    /** Stores a new profile; its id comes from the identity sequence (above the course workload's ids). */
    async create(body: SkierProfileBody): Promise<SkierProfile> {
      const { rows } = await pool.query<SkierProfile>(
        `INSERT INTO profiles (name, home_city, pass_type) VALUES ($1, $2, $3) RETURNING ${columns}`,
        [body.name, body.homeCity, body.passType],
      );
      return rows[0] as SkierProfile;
    },

    /**
     * Stores a new profile once per Idempotency-Key: a repeat of the key with the same body gets the first
     * answer back (the profile as it was created), with another body 'key-reused'.
     */
    async createOnce(key: string, body: SkierProfileBody): Promise<KeyedCreate> {
      const hash = requestHash(body);
      const created = await pool.query<SkierProfile>(createKeyed, [
        key,
        hash,
        body.name,
        body.homeCity ?? null,
        body.passType,
      ]);
      if (created.rows[0]) return { profile: created.rows[0], replayed: false };
      const { rows } = await pool.query<{ request_hash: string; answer: SkierProfile }>(
        'SELECT request_hash, answer FROM profile_creations WHERE idempotency_key = $1',
        [key],
      );
      const earlier = rows[0];
      if (!earlier) throw new Error(`profile creation ${key} conflicted but is not stored`);
      return earlier.request_hash === hash ? { profile: earlier.answer, replayed: true } : 'key-reused';
    },

    async find(skierID: number): Promise<SkierProfile | undefined> {
      const { rows } = await reads.query<SkierProfile>(`SELECT ${columns} FROM profiles WHERE skier_id = $1`, [
        skierID,
      ]);
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
