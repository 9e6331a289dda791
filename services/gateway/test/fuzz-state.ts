import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestStack } from '@skico/stack';
import amqplib from 'amqplib';
import { Redis } from 'ioredis';
import pg from 'pg';

/** What a request could have changed: every row and sequence of every schema, the Redis keys, the queues. */
export interface StateSnapshot {
  tables: Record<string, string>;
  redis: Record<string, { digest: string; ttlMs: number }>;
  queues: Record<string, number>;
}

const schemas = ['resort', 'skier', 'lift_ride'];
// Rate-limit counters change with every request, refused ones included, by design.
const countedOnPurpose = 'gateway:v1:rl:';

const digest = (value: string | Buffer) => createHash('sha256').update(value).digest('hex').slice(0, 16);

/**
 * Reads the state of one test stack through the back doors (a superuser connection, a Redis client on
 * the stack's key prefix, a channel on its queues), to show that a refused request changed none of it.
 */
export async function createStateProbe(stack: TestStack) {
  const db = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${stack.database}` });
  await db.connect();
  const redis = new Redis(stack.settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const broker = await amqplib.connect(stack.settings.amqpUrl);
  const channel = await broker.createChannel();
  const queues = [`${stack.namespace}lift-rides.persist`, `${stack.namespace}lift-rides.dead`];

  const { rows: tableRows } = await db.query<{ name: string }>(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name FROM information_schema.tables
     WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1`,
    [schemas],
  );

  async function tables(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const { name } of tableRows) {
      // Names come from the catalogue above, quoted by Postgres itself.
      const { rows } = await db.query<{ n: number; h: string }>(
        `SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM ${name} t`,
      );
      out[name] = `${rows[0]?.n}:${rows[0]?.h}`;
    }
    const { rows } = await db.query<{ name: string; v: string | null }>(
      `SELECT schemaname || '.' || sequencename AS name, last_value::text AS v FROM pg_sequences WHERE schemaname = ANY($1)`,
      [schemas],
    );
    for (const s of rows) out[`sequence ${s.name}`] = String(s.v);
    return out;
  }

  async function keys(): Promise<StateSnapshot['redis']> {
    const out: StateSnapshot['redis'] = {};
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${stack.namespace}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of batch) {
        if (key.includes(countedOnPurpose)) continue;
        const [dumped, ttlMs] = await Promise.all([redis.dumpBuffer(key), redis.pttl(key)]);
        if (dumped) out[key] = { digest: digest(dumped), ttlMs };
      }
    } while (cursor !== '0');
    return out;
  }

  async function depths(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const q of queues) out[q] = (await channel.checkQueue(q)).messageCount;
    return out;
  }

  const snapshot = async (): Promise<StateSnapshot> => ({
    tables: await tables(),
    redis: await keys(),
    queues: await depths(),
  });

  return {
    snapshot,
    /** Waits until the queue is drained and Postgres stops changing: the effects of earlier requests are in. */
    async settle(timeoutMs = 20_000): Promise<StateSnapshot> {
      const deadline = Date.now() + timeoutMs;
      let last = JSON.stringify(await tables());
      for (;;) {
        await sleep(300);
        const now = JSON.stringify(await tables());
        const drained = (await depths())[queues[0] as string] === 0;
        if (drained && now === last) return snapshot();
        if (Date.now() > deadline) throw new Error('the stack did not settle: rides still arriving');
        last = now;
      }
    },
    /**
     * What changed between two snapshots. A key that was due to expire within `volatileMs` of the first
     * may have expired on its own (negative-cache entries, tombstones): its absence is not a change.
     */
    diff(before: StateSnapshot, after: StateSnapshot, volatileMs: number): string[] {
      const changes: string[] = [];
      for (const name of new Set([...Object.keys(before.tables), ...Object.keys(after.tables)])) {
        if (before.tables[name] !== after.tables[name]) {
          changes.push(`postgres ${name}: ${before.tables[name]} → ${after.tables[name]}`);
        }
      }
      for (const key of new Set([...Object.keys(before.redis), ...Object.keys(after.redis)])) {
        const [b, a] = [before.redis[key], after.redis[key]];
        if (b && !a && b.ttlMs >= 0 && b.ttlMs < volatileMs) continue;
        if (b?.digest !== a?.digest) changes.push(`redis ${key}: ${b ? 'changed' : 'added'}${a ? '' : ' → removed'}`);
      }
      for (const q of queues) {
        if (before.queues[q] !== after.queues[q]) changes.push(`queue ${q}: ${before.queues[q]} → ${after.queues[q]}`);
      }
      return changes;
    },
    async close() {
      await channel.close().catch(() => undefined);
      await broker.close().catch(() => undefined);
      redis.disconnect();
      await db.end();
    },
  };
}
