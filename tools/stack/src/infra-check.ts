import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { defaultAddresses, type InfraAddresses } from './infra-env.ts';
import { repoRoot } from './processes.ts';

export interface Dependency {
  name: string;
  host: string;
  port: number;
  /** What to run to start it on a machine without Docker. */
  startHint: string;
}

/** The host and port of a URL, or of the first of a comma-separated list (a cluster's nodes). */
function hostAndPort(url: string, defaultPort: number) {
  const { hostname, port } = new URL(url.split(',')[0]?.trim() ?? url);
  return { host: hostname, port: Number(port || defaultPort) };
}

/** Postgres, Redis and RabbitMQ at the given addresses (the standard loopback ones by default). */
export function infraDependencies(a: Omit<InfraAddresses, 'fromEnv'> = defaultAddresses): Dependency[] {
  const postgres = hostAndPort(a.adminUrl, 5432);
  const redis = hostAndPort(a.redisUrl, 6379);
  const rabbitmq = hostAndPort(a.amqpUrl, 5672);
  return [
    {
      name: 'postgres',
      ...postgres,
      startHint: `PostgreSQL 15+ on ${postgres.host}:${postgres.port} with a superuser "postgres" (e.g. \`pg_ctlcluster 15 main start\`)`,
    },
    {
      name: 'redis',
      ...redis,
      startHint: `Redis 7 on ${redis.host}:${redis.port} (e.g. \`redis-server --daemonize yes --bind 127.0.0.1\`)`,
    },
    {
      name: 'rabbitmq',
      ...rabbitmq,
      startHint: `RabbitMQ 3.13+ on ${rabbitmq.host}:${rabbitmq.port} with guest/guest (e.g. \`rabbitmq-server -detached\`)`,
    },
  ];
}

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

async function missingDependencies(dependencies: Dependency[]): Promise<Dependency[]> {
  const up = await Promise.all(dependencies.map((d) => isListening(d.host, d.port)));
  return dependencies.filter((_, i) => !up[i]);
}

/** Whether docker-compose.yml would serve this dependency: it publishes each on its standard loopback port. */
function composeServes(d: Dependency): boolean {
  return infraDependencies().some((s) => s.name === d.name && s.host === d.host && s.port === d.port);
}

/**
 * Makes sure Postgres, Redis and RabbitMQ answer at the given addresses: starts the missing ones with the
 * compose file when a Docker engine runs here and they are expected at the standard loopback addresses.
 * @throws an error that says exactly what to start otherwise.
 */
export async function ensureInfrastructure(
  say: (line: string) => void,
  addresses: Omit<InfraAddresses, 'fromEnv'> = defaultAddresses,
): Promise<void> {
  const dependencies = infraDependencies(addresses);
  let missing = await missingDependencies(dependencies);
  if (missing.length === 0) return;
  const dockerUp = spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;
  if (dockerUp && missing.every(composeServes)) {
    say(`starting ${missing.map((d) => d.name).join(', ')} with docker compose …`);
    const result = spawnSync('docker', ['compose', 'up', '-d', '--wait', ...missing.map((d) => d.name)], {
      cwd: repoRoot,
      stdio: 'inherit',
    });
    if (result.status === 0) missing = await missingDependencies(dependencies);
  }
  if (missing.length > 0) {
    throw new Error(
      [
        `not reachable: ${missing.map((d) => `${d.name} (${d.host}:${d.port})`).join(', ')}.`,
        'Start them, then run this command again:',
        ...missing.map((d) => `  - ${d.startHint}`),
        dockerUp || !missing.every(composeServes)
          ? ''
          : '  or, with Docker: docker compose up -d postgres redis rabbitmq',
      ].join('\n'),
    );
  }
}
