import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { repoRoot } from './processes.ts';

export interface Dependency {
  name: string;
  host: string;
  port: number;
  /** What to run to start it on a machine without Docker. */
  startHint: string;
}

export const infraDependencies: Dependency[] = [
  {
    name: 'postgres',
    host: '127.0.0.1',
    port: 5432,
    startHint: 'PostgreSQL 15+ on 127.0.0.1:5432 with a superuser "postgres" (e.g. `pg_ctlcluster 15 main start`)',
  },
  {
    name: 'redis',
    host: '127.0.0.1',
    port: 6379,
    startHint: 'Redis 7 on 127.0.0.1:6379 (e.g. `redis-server --daemonize yes --bind 127.0.0.1`)',
  },
  {
    name: 'rabbitmq',
    host: '127.0.0.1',
    port: 5672,
    startHint: 'RabbitMQ 3.13+ on 127.0.0.1:5672 with guest/guest (e.g. `rabbitmq-server -detached`)',
  },
];

/** Whether something accepts TCP connections at host:port within the timeout. */
export function isListening(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function missingDependencies(): Promise<Dependency[]> {
  const up = await Promise.all(infraDependencies.map((d) => isListening(d.host, d.port)));
  return infraDependencies.filter((_, i) => !up[i]);
}

/**
 * Makes sure Postgres, Redis and RabbitMQ answer: starts the missing ones with the compose file when a
 * Docker engine runs here. @throws an error that says exactly what to start otherwise.
 */
export async function ensureInfrastructure(say: (line: string) => void): Promise<void> {
  let missing = await missingDependencies();
  if (missing.length === 0) return;
  const dockerUp = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
  if (dockerUp) {
    say(`starting ${missing.map((d) => d.name).join(', ')} with docker compose …`);
    const result = spawnSync('docker', ['compose', 'up', '-d', '--wait', ...missing.map((d) => d.name)], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (result.status === 0) missing = await missingDependencies();
  }
  if (missing.length > 0) {
    throw new Error(
      [
        `not reachable: ${missing.map((d) => `${d.name} (${d.host}:${d.port})`).join(', ')}.`,
        'Start them, then run this command again:',
        ...missing.map((d) => `  - ${d.startHint}`),
        dockerUp ? '' : '  or, with Docker: docker compose up -d postgres redis rabbitmq',
      ].join('\n'),
    );
  }
}
