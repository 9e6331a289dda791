import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { postgresBinDir } from './postgres-replica.ts';

const run = promisify(execFile);

export interface PostgresServerOptions {
  /**
   * Where the cluster's data goes (created and given to `postgres` if missing; it must be empty, and the
   * folders above it open to `postgres`). A test that wants the data on a filesystem of its own (a small
   * one, say) mounts it and names a folder on it.
   */
  dataDir: string;
  /** Extra postgresql.conf lines. */
  settings?: string[];
}

export interface PostgresServer {
  port: number;
  dataDir: string;
  /** The server's log, outside the data folder (it stays writable when the data's filesystem is full). */
  logFile: string;
  /** A URL to `database` (the superuser `postgres` by default; trust auth on loopback). */
  url: (database?: string, user?: string) => string;
  /** Runs SQL as the superuser (psql); resolves the last statement's rows, unaligned, trimmed. */
  sql: (text: string, database?: string) => Promise<string>;
  /** Whether the postmaster is running (pg_ctl status). */
  running: () => Promise<boolean>;
  /** Starts the server on its data folder again and waits until it answers. */
  start: () => Promise<void>;
  /** Stops it ('fast' by default). */
  stop: (mode?: 'fast' | 'immediate') => Promise<void>;
  /** Stops it (only its own postmaster, by data folder) and removes its log and socket folder, not the data. */
  close: () => Promise<void>;
}

/**
 * A Postgres server of the test's own from the machine's binaries, run as `postgres`: initdb into
 * `dataDir`, listening on a free loopback port (never 5432), trust auth, fsync off (the data dies with the
 * test). Stopped by close(), and at the latest when the process exits. Must run as root or as `postgres`.
 * @throws when initdb or the start fails (whatever started is stopped).
 */
export async function startPostgres(options: PostgresServerOptions): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const [{ stdout: uidText }, { stdout: gidText }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  const uid = Number(uidText.trim());
  const gid = Number(gidText.trim());
  const own = mkdtempSync(join(tmpdir(), 'skico-pgsrv-'));
  chownSync(own, uid, gid);
  const asPostgres = { uid, gid, cwd: own, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } };
  const port = await freePort();
  const { dataDir } = options;
  const logFile = join(own, 'postgres.log');
  const pgCtl = (args: string[]) =>
    run(`${bin}/pg_ctl`, ['-D', dataDir, '-l', logFile, ...args], { ...asPostgres, timeout: 60_000 });
  const stopSync = () => {
    try {
      execFileSync(`${bin}/pg_ctl`, ['-D', dataDir, '-m', 'immediate', 'stop'], { ...asPostgres, stdio: 'ignore' });
    } catch {
      // Not running.
    }
    rmSync(own, { recursive: true, force: true });
  };
  process.once('exit', stopSync);
  const sql: PostgresServer['sql'] = async (text, database = 'postgres') => {
    const { stdout } = await run(
      `${bin}/psql`,
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '-U',
        'postgres',
        '-d',
        database,
        '-XAtq',
        '-v',
        'ON_ERROR_STOP=1',
      ].concat(['-c', text]),
      { ...asPostgres, timeout: 30_000 },
    );
    return stdout.trim();
  };
  const waitReady = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await sql('SELECT 1');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  try {
    mkdirSync(dataDir, { recursive: true });
    chownSync(dataDir, uid, gid);
    await run(`${bin}/initdb`, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
      ...asPostgres,
      timeout: 60_000,
    });
    appendFileSync(
      join(dataDir, 'postgresql.conf'),
      [
        `port = ${port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${own}'`,
        'fsync = off',
        'max_connections = 200',
        ...(options.settings ?? []),
        '',
      ].join('\n'),
    );
    await pgCtl(['-w', 'start']);
    await waitReady();
  } catch (err) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw err;
  }
  return {
    port,
    dataDir,
    logFile,
    url: (database = 'postgres', user = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`,
    sql,
    running: () =>
      pgCtl(['status']).then(
        () => true,
        () => false,
      ),
    start: async () => {
      await pgCtl(['-w', 'start']);
      await waitReady();
    },
    stop: async (mode = 'fast') => {
      await pgCtl(['-m', mode, '-w', 'stop']);
    },
    close: async () => {
      await pgCtl(['-m', 'immediate', '-w', 'stop']).catch(() => undefined);
      rmSync(own, { recursive: true, force: true });
      process.removeListener('exit', stopSync);
    },
  };
}
