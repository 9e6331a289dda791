import { execFile, execFileSync } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';

const run = promisify(execFile);
/**
 * The binaries of the machine's Postgres installation, run as `postgres`: PG_BINDIR when set, else the
 * newest of Debian's /usr/lib/postgresql/<major>/bin (15 on the development machines).
 */
export function postgresBinDir(env: Record<string, string | undefined> = process.env, root = '/usr/lib/postgresql') {
  if (env.PG_BINDIR) return env.PG_BINDIR;
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors[0]) throw new Error(`no Postgres installation under ${root}; set PG_BINDIR to its bin directory`);
  return join(root, majors[0], 'bin');
}

export interface PostgresNode {
  role: 'primary' | 'standby';
  port: number;
  /** The data directory, inside the set's folder. */
  dataDir: string;
  /** A URL to `database` on this node (the superuser `postgres` by default; trust auth on loopback). */
  url: (database?: string, user?: string) => string;
}

export interface PostgresReplicaSet {
  primary: PostgresNode;
  standby: PostgresNode;
  /** The temporary folder of both clusters; removed by close(). */
  dir: string;
  /** Runs SQL as the superuser on a node (psql); resolves the last statement's rows, unaligned, trimmed. */
  sql: (node: PostgresNode, text: string, database?: string) => Promise<string>;
  /** Stops the standby's replay (`pg_wal_replay_pause()`); it keeps receiving WAL. */
  pauseReplay: () => Promise<void>;
  resumeReplay: () => Promise<void>;
  /** Stops a node (fast shutdown) / starts it again on its data directory and waits until it answers. */
  stop: (node: PostgresNode) => Promise<void>;
  start: (node: PostgresNode) => Promise<void>;
  /** Stops both clusters (only their own processes, by data directory) and removes the folder. */
  close: () => Promise<void>;
}

/**
 * A Postgres primary and a streaming standby of the test's own, from the machine's binaries: initdb into a
 * temporary folder owned by `postgres`, listening on free loopback ports (never 5432), trust auth; the
 * standby is a `pg_basebackup -R` of the primary. Durability is off (fsync), as the data dies with the
 * test. Both are stopped and the folder removed by close(), and at the latest when the process exits.
 * Must run as root or as `postgres`.
 * @throws when a step fails (whatever started is stopped and the folder removed).
 */
export async function startPostgresReplica(): Promise<PostgresReplicaSet> {
  const bin = postgresBinDir();
  const { uid, gid } = await postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'skico-pg-'));
  chownSync(dir, uid, gid);
  const asPostgres = { uid, gid, cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' } };
  const node = (role: PostgresNode['role'], port: number): PostgresNode => ({
    role,
    port,
    dataDir: join(dir, role),
    url: (database = 'postgres', user = 'postgres') => `postgres://${user}@127.0.0.1:${port}/${database}`,
  });
  const primary = node('primary', await freePort());
  let standbyPort = await freePort();
  while (standbyPort === primary.port) standbyPort = await freePort();
  const standby = node('standby', standbyPort);
  const nodes = [primary, standby];

  const pgCtl = (n: PostgresNode, args: string[]) =>
    run(`${bin}/pg_ctl`, ['-D', n.dataDir, '-l', join(dir, `${n.role}.log`), ...args], {
      ...asPostgres,
      timeout: 60_000,
    });
  const stopSync = () => {
    for (const n of nodes) {
      try {
        execFileSync(`${bin}/pg_ctl`, ['-D', n.dataDir, '-m', 'immediate', 'stop'], { ...asPostgres, stdio: 'ignore' });
      } catch {
        // Not running.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A test that dies before its close() still leaves no cluster behind.
  process.once('exit', stopSync);
  const config = (n: PostgresNode) =>
    appendFileSync(
      join(n.dataDir, 'postgresql.conf'),
      [
        `port = ${n.port}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'full_page_writes = off',
        'max_connections = 200',
        // The standby answers reads while it replays, and reports to the primary often.
        'hot_standby = on',
        'wal_receiver_status_interval = 1s',
        '',
      ].join('\n'),
    );
  const sql: PostgresReplicaSet['sql'] = async (n, text, database = 'postgres') => {
    const { stdout } = await run(
      `${bin}/psql`,
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(n.port),
        '-U',
        'postgres',
        '-d',
        database,
        '-XAtq',
        '-v',
        'ON_ERROR_STOP=1',
        '-c',
        text,
      ],
      { ...asPostgres, timeout: 30_000 },
    );
    return stdout.trim();
  };
  const waitReady = async (n: PostgresNode) => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await sql(n, 'SELECT 1');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };

  try {
    await run(`${bin}/initdb`, ['-D', primary.dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
      ...asPostgres,
      timeout: 60_000,
    });
    config(primary);
    await pgCtl(primary, ['-w', 'start']);
    await waitReady(primary);
    await run(
      `${bin}/pg_basebackup`,
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(primary.port),
        '-U',
        'postgres',
        '-D',
        standby.dataDir,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
      ],
      { ...asPostgres, timeout: 60_000 },
    );
    // The copied postgresql.conf names the primary's port; a later line wins.
    appendFileSync(join(standby.dataDir, 'postgresql.conf'), `port = ${standby.port}\n`);
    await pgCtl(standby, ['-w', 'start']);
    await waitReady(standby);
  } catch (err) {
    stopSync();
    process.removeListener('exit', stopSync);
    throw err;
  }

  return {
    primary,
    standby,
    dir,
    sql,
    pauseReplay: async () => {
      await sql(standby, 'SELECT pg_wal_replay_pause()');
    },
    resumeReplay: async () => {
      await sql(standby, 'SELECT pg_wal_replay_resume()');
    },
    stop: async (n) => {
      await pgCtl(n, ['-m', 'fast', '-w', 'stop']);
    },
    start: async (n) => {
      await pgCtl(n, ['-w', 'start']);
      await waitReady(n);
    },
    close: async () => {
      await Promise.all(nodes.map((n) => pgCtl(n, ['-m', 'immediate', '-w', 'stop']).catch(() => undefined)));
      rmSync(dir, { recursive: true, force: true });
      process.removeListener('exit', stopSync);
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
