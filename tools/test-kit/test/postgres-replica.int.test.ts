import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { postgresBinDir, startPostgresReplica } from '../src/postgres-replica.ts';

describe('a Postgres primary and streaming standby of the test own', () => {
  it('when started, then the standby replays what the primary commits, can be paused and resumed, and close leaves no cluster behind', async () => {
    const started = Date.now();
    const pg = await startPostgresReplica();
    const bootMs = Date.now() - started;
    const { dir } = pg;
    try {
      expect([pg.primary.port, pg.standby.port]).not.toContain(5432);
      expect(await pg.sql(pg.standby, 'SELECT pg_is_in_recovery()')).toBe('t');
      await pg.sql(pg.primary, 'CREATE TABLE t (n int); INSERT INTO t VALUES (1)');
      await expect
        .poll(() => pg.sql(pg.standby, 'SELECT count(*) FROM t').catch(() => ''), { timeout: 10_000 })
        .toBe('1');

      await pg.pauseReplay();
      await pg.sql(pg.primary, 'INSERT INTO t VALUES (2)');
      const behind = await pg.sql(pg.primary, 'SELECT pg_current_wal_lsn()');
      await expect.poll(() => pg.sql(pg.standby, `SELECT pg_last_wal_receive_lsn() >= '${behind}'::pg_lsn`)).toBe('t');
      expect(await pg.sql(pg.standby, 'SELECT count(*) FROM t')).toBe('1');
      await pg.resumeReplay();
      await expect.poll(() => pg.sql(pg.standby, 'SELECT count(*) FROM t'), { timeout: 10_000 }).toBe('2');

      await pg.stop(pg.standby);
      await expect(pg.sql(pg.standby, 'SELECT 1')).rejects.toThrow();
      await pg.start(pg.standby);
      expect(await pg.sql(pg.standby, 'SELECT count(*) FROM t')).toBe('2');
      console.info(`postgres primary and standby booted in ${bootMs} ms`);
    } finally {
      await pg.close();
    }
    expect(existsSync(dir)).toBe(false);
    await expect(pg.sql(pg.primary, 'SELECT 1')).rejects.toThrow();
  });
});

describe('postgresBinDir', () => {
  it('when PG_BINDIR is set, then it is the binaries; else the newest installed major', () => {
    expect(postgresBinDir({ PG_BINDIR: '/opt/pg/bin' })).toBe('/opt/pg/bin');
    expect(postgresBinDir({})).toMatch(/^\/usr\/lib\/postgresql\/\d+\/bin$/);
    expect(() => postgresBinDir({}, '/nonexistent')).toThrow(/PG_BINDIR/);
  });
});
