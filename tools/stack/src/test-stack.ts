import { dropDatabase } from '@skico/pg';
import { type Forwarder, freePort, type NetHost, type NetLab, uniqueName } from '@skico/test-kit';
import { defaultAdminUrl } from './database.ts';
import { removeNamespace } from './namespace-cleanup.ts';
import { processes, serviceSchemas } from './processes.ts';
import { replicasOf } from './replicas.ts';
import { databaseUrl, defaultSettings, opsListeners, opsPortKey, processEnv, type StackSettings } from './stack-env.ts';
import { type StackOptions, startStack } from './start-stack.ts';

/** Where a stack in a network lab reaches its dependencies: forwarders on the lab's bridge. */
export interface StackNetwork {
  /** The host of a process or replica (`lift-ride-2`). */
  host(name: string): NetHost;
  postgres: Forwarder;
  postgresRead?: Forwarder;
  redis: Forwarder;
  /** One per broker node of AMQP_URL. */
  amqp: Forwarder[];
}

const hostPort = (text: string) => {
  const [host = '', port = ''] = text.split(':');
  return { host, port: Number(port) };
};

/**
 * Puts every process in a host of its own in the lab, and its dependencies behind forwarders on the lab's
 * bridge: the settings and launcher that make it so, and the network a test sets its faults on.
 */
async function placeInLab(lab: NetLab, options: TestStackOptions) {
  const given = { ...defaultSettings, ...options.settings };
  const hosts: Record<string, string> = {};
  const byName = new Map<string, NetHost>();
  for (const p of replicasOf(processes, options.scale)) {
    const host = await lab.host(p.name);
    byName.set(p.name, host);
    hosts[p.name] = host.address;
  }
  const postgres = await lab.forward(hostPort(given.postgres));
  const postgresRead = given.postgresRead ? await lab.forward(hostPort(given.postgresRead)) : undefined;
  const redisTarget = new URL(given.redisUrl);
  const redis = await lab.forward({ host: redisTarget.hostname, port: Number(redisTarget.port || 6379) });
  const amqpUrls = given.amqpUrl.split(',').map((u) => new URL(u.trim()));
  const amqp: Forwarder[] = [];
  for (const u of amqpUrls) amqp.push(await lab.forward({ host: u.hostname, port: Number(u.port || 5672) }));
  const through = (u: URL, f: Forwarder) => {
    const copy = new URL(u.href);
    copy.hostname = f.address;
    copy.port = String(f.port);
    return copy.href.replace(/\/$/, '');
  };
  const network: StackNetwork = {
    host: (name) => {
      const host = byName.get(name);
      if (!host) throw new Error(`no host ${name} in the stack's lab`);
      return host;
    },
    postgres,
    postgresRead,
    redis,
    amqp,
  };
  return {
    network,
    settings: {
      hosts,
      postgres: `${postgres.address}:${postgres.port}`,
      ...(postgresRead ? { postgresRead: `${postgresRead.address}:${postgresRead.port}` } : {}),
      redisUrl: through(redisTarget, redis),
      amqpUrl: amqpUrls.map((u, i) => through(u, amqp[i] as Forwarder)).join(','),
    },
    launcher: (name: string) => network.host(name).command,
  };
}

export interface TestStackOptions extends Omit<StackOptions, 'settings' | 'onLine'> {
  settings?: Partial<Omit<StackSettings, 'database' | 'namespace' | 'ports'>>;
  /** Print every process's output as it comes (for debugging a test). */
  verbose?: boolean;
  /** How many recent output lines logs() keeps; 2000 by default. */
  logLines?: number;
  /**
   * A network lab to run in: each process in a host of its own, Postgres, Redis and RabbitMQ behind
   * forwarders on the lab's bridge, so that a test can drop packets between any two of them.
   */
  network?: NetLab;
}

/**
 * The whole system for one test file: its own database, Redis key prefix and queue names, every process
 * on a free port, exactly as the start command runs it. stop() ends every process and drops the database.
 */
export async function startTestStack(options: TestStackOptions = {}) {
  const database = uniqueName('skico_t');
  const namespace = `${uniqueName('t').replaceAll('_', '-')}-`;
  const ports: Record<string, number> = {};
  for (const p of replicasOf(processes, options.scale)) {
    ports[p.name] = await freePort();
    if (opsListeners[p.replicaOf]) ports[opsPortKey(p.name)] = await freePort();
  }
  const lines: string[] = [];
  const onLine = (name: string, line: string) => {
    lines.push(`${name}: ${line}`);
    if (lines.length > (options.logLines ?? 2000)) lines.shift();
    if (options.verbose) console.log(`${name}: ${line}`);
  };
  const lab = options.network ? await placeInLab(options.network, options) : undefined;
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack({
      ...options,
      onLine,
      ...(lab ? { launcher: lab.launcher } : {}),
      settings: { logLevel: 'warn', ...options.settings, ...lab?.settings, database, namespace, ports },
    });
  } catch (err) {
    await dropDatabase(options.adminUrl ?? defaultAdminUrl, database).catch(() => undefined);
    throw new Error(`${(err as Error).message}\n--- last output ---\n${lines.slice(-40).join('\n')}`);
  }
  return {
    ...stack,
    database,
    namespace,
    /** The lab's hosts and forwarders, when the stack runs in one. */
    network: lab?.network,
    /** The connection URL of a service's own role in this stack's database. */
    databaseUrlOf: (service: string) => {
      const schema = serviceSchemas.find((s) => s.service === service);
      if (!schema) throw new Error(`no schema for ${service}`);
      return databaseUrl(stack.settings, schema);
    },
    /** Starts a process of the table that this stack did not start (see `only`), with the stack's settings. */
    startProcess: (name: string) => {
      const spec = processes.find((p) => p.name === name);
      if (!spec) throw new Error(`no process ${name}`);
      stack.supervisor.start(spec, processEnv(spec, stack.settings));
    },
    /** The recent output lines of every process, for assertions and failure messages. */
    logs: () => [...lines],
    stop: async () => {
      await stack.stop();
      await dropDatabase(options.adminUrl ?? defaultAdminUrl, database);
      await removeNamespace({ namespace, amqpUrl: stack.settings.amqpUrl, redisUrl: stack.settings.redisUrl });
    },
  };
}

export type TestStack = Awaited<ReturnType<typeof startTestStack>>;
