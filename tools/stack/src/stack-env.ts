import { type ProcessSpec, processes, type ServiceSchema, serviceSchemas } from './processes.ts';
import { countOf, REPLICA_PORT_STEP, type ReplicaSpec, replicaName, type Scale } from './replicas.ts';

export interface StackSettings {
  /** Postgres host and port, as host:port. */
  postgres: string;
  /**
   * A read replica of that Postgres, as host:port: the query side (the lift-ride API, skier) reads it
   * (DATABASE_READ_URL, with the same roles and database); unset: they read the primary.
   */
  postgresRead?: string;
  database: string;
  redisUrl: string;
  amqpUrl: string;
  /** Prefix of every Redis key and RabbitMQ name, so that test runs do not meet. */
  namespace: string;
  /**
   * Ports by process name (and `<process>:ops`); a further replica's (`lift-ride-2`) defaults to its
   * process's port plus 100 per replica.
   */
  ports: Record<string, number>;
  /** Replicas of each process, by process name; one of each by default. */
  scale?: Scale;
  /** The address every process listens on and is called at, unless `hosts` names its own. */
  host: string;
  /** Addresses of single processes or replicas (`lift-ride-2`): a network lab gives each a host of its own. */
  hosts?: Record<string, string>;
  logLevel: string;
  /** OTLP/HTTP base URL every process sends its traces to (OTEL_EXPORTER_OTLP_ENDPOINT); empty: tracing off. */
  tracesEndpoint: string;
  /**
   * V8's old-generation limit of every process, in MB. Without one, V8 sizes it from the machine's memory
   * and lets the heap grow far past what the process keeps alive (about 250 MB resident under load instead
   * of 160): a process should fit the memory it is given, here as in a container.
   */
  heapLimitMb: number;
  /** Extra variables for every process, such as tuning knobs of a test. */
  extra?: Record<string, string>;
  /** Rewrites one process's variables: a test points one process at a fault proxy. */
  rewrite?: (processName: string, env: Record<string, string>) => Record<string, string>;
}

/**
 * Internal listeners, by process: where the gateway serves /health/deps, /metrics and the status page to
 * operators and Prometheus, never published. Their ports sit in `ports` under `<process>:ops`.
 */
export const opsListeners: Record<string, { portVar: string; defaultPort: number }> = {
  gateway: { portVar: 'GATEWAY_OPS_PORT', defaultPort: 8090 },
};

/** The key of a process's internal listener in `StackSettings.ports`. */
export const opsPortKey = (processName: string) => `${processName}:ops`;

export const defaultSettings: StackSettings = {
  postgres: '127.0.0.1:5432',
  database: 'skico',
  redisUrl: 'redis://127.0.0.1:6379',
  amqpUrl: 'amqp://guest:guest@127.0.0.1:5672',
  namespace: '',
  ports: Object.fromEntries([
    ...processes.map((p) => [p.name, p.defaultPort]),
    ...Object.entries(opsListeners).map(([name, ops]) => [opsPortKey(name), ops.defaultPort]),
  ]),
  host: '127.0.0.1',
  logLevel: 'info',
  tracesEndpoint: '',
  heapLimitMb: 128,
};

export function databaseUrl(settings: Pick<StackSettings, 'postgres' | 'database'>, schema: ServiceSchema): string {
  return `postgres://${schema.role}:${schema.password}@${settings.postgres}/${settings.database}`;
}

function schemaOf(service: string): ServiceSchema {
  const schema = serviceSchemas.find((s) => s.service === service);
  if (!schema) throw new Error(`no schema for service ${service}`);
  return schema;
}

/** The port of a process or replica (`lift-ride-2`), or of its internal listener (`gateway-2:ops`). */
export function portOf(settings: Pick<StackSettings, 'ports'>, key: string): number {
  const given = settings.ports[key];
  if (given !== undefined) return given;
  const match = /^(.*)-(\d+)(:ops)?$/.exec(key);
  const first = match ? settings.ports[`${match[1]}${match[3] ?? ''}`] : undefined;
  if (!match || first === undefined) throw new Error(`no port for ${key}`);
  return first + REPLICA_PORT_STEP * (Number(match[2]) - 1);
}

/** The address a process or replica listens on and is called at. */
export const hostOf = (settings: Pick<StackSettings, 'host' | 'hosts'>, name: string) =>
  settings.hosts?.[name] ?? settings.host;

/** The base URLs of every replica of a process, comma-separated, as the services read them. */
function replicaUrls(settings: StackSettings, name: string): string {
  return Array.from(
    { length: countOf(settings.scale, name) },
    (_, i) => `http://${hostOf(settings, replicaName(name, i))}:${portOf(settings, replicaName(name, i))}`,
  ).join(',');
}

/** The environment of one process of the stack: the same variable names the compose file sets. */
export function processEnv(spec: ProcessSpec | ReplicaSpec, settings: StackSettings): Record<string, string> {
  const urls = (name: string) => replicaUrls(settings, name);
  const base = 'replicaOf' in spec ? spec.replicaOf : spec.name;
  const ops = opsListeners[base];
  const env: Record<string, string> = {
    HOST: hostOf(settings, spec.name),
    LOG_LEVEL: settings.logLevel,
    [spec.portVar]: String(portOf(settings, spec.name)),
    ...(ops ? { [ops.portVar]: String(portOf(settings, opsPortKey(spec.name))) } : {}),
    // Always set, empty when off: a process never picks up a collector from the environment it was started in.
    OTEL_EXPORTER_OTLP_ENDPOINT: settings.tracesEndpoint,
    NODE_OPTIONS: `--max-old-space-size=${settings.heapLimitMb}`,
    ...settings.extra,
  };
  const service = base === 'lift-ride-worker' ? 'lift-ride' : base;
  if (service !== 'gateway') env.DATABASE_URL = databaseUrl(settings, schemaOf(service));
  if (settings.postgresRead && (base === 'lift-ride' || base === 'skier')) {
    env.DATABASE_READ_URL = databaseUrl({ ...settings, postgres: settings.postgresRead }, schemaOf(service));
  }
  if (service === 'lift-ride') {
    env.REDIS_URL = settings.redisUrl;
    env.AMQP_URL = settings.amqpUrl;
    env.NAMESPACE = settings.namespace;
    env.RESORT_URL = urls('resort');
  }
  if (service === 'skier') env.LIFT_RIDE_URL = urls('lift-ride');
  if (service === 'gateway') {
    env.REDIS_URL = settings.redisUrl;
    env.NAMESPACE = settings.namespace;
    env.RESORT_URL = urls('resort');
    env.SKIER_URL = urls('skier');
    env.LIFT_RIDE_URL = urls('lift-ride');
    env.LIFT_RIDE_WORKER_URL = urls('lift-ride-worker');
  }
  return settings.rewrite ? settings.rewrite(spec.name, env) : env;
}
