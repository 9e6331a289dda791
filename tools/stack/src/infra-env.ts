import { defaultAdminUrl } from './database.ts';
import { defaultSettings, type StackSettings } from './stack-env.ts';

/** Where Postgres, Redis and RabbitMQ are, for the start command and db:setup. */
export interface InfraAddresses extends Pick<StackSettings, 'postgres' | 'database' | 'redisUrl' | 'amqpUrl'> {
  /** A superuser's URL: the database, roles and schemas are made with it, and the services use its host. */
  adminUrl: string;
  /** The variables that were set, by the address they changed (postgres, database, redis, rabbitmq). */
  fromEnv: Record<string, string>;
}

export const defaultAddresses: InfraAddresses = {
  adminUrl: defaultAdminUrl,
  postgres: defaultSettings.postgres,
  database: defaultSettings.database,
  redisUrl: defaultSettings.redisUrl,
  amqpUrl: defaultSettings.amqpUrl,
  fromEnv: {},
};

function urlOf(name: string, value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`${name} is not a URL: ${value}`);
  }
}

/**
 * The infrastructure's addresses from the variables the processes and db:setup read (REDIS_URL, AMQP_URL,
 * ADMIN_DATABASE_URL, SKICO_DATABASE), each falling back to the standard loopback address when unset or
 * empty. @throws an error naming the variable when a URL does not parse.
 */
export function addressesFromEnv(env: Record<string, string | undefined>): InfraAddresses {
  const fromEnv: Record<string, string> = {};
  const pick = (key: string, name: string, fallback: string, isUrl = true) => {
    const value = env[name];
    if (!value) return fallback;
    // AMQP_URL may list a cluster's nodes, comma-separated: each must parse.
    if (isUrl) for (const part of value.split(',')) urlOf(name, part.trim());
    fromEnv[key] = name;
    return value;
  };
  const adminUrl = pick('postgres', 'ADMIN_DATABASE_URL', defaultAdminUrl);
  const admin = urlOf('ADMIN_DATABASE_URL', adminUrl);
  return {
    adminUrl,
    postgres: `${admin.hostname}:${admin.port || 5432}`,
    database: pick('database', 'SKICO_DATABASE', defaultSettings.database, false),
    redisUrl: pick('redis', 'REDIS_URL', defaultSettings.redisUrl),
    amqpUrl: pick('rabbitmq', 'AMQP_URL', defaultSettings.amqpUrl),
    fromEnv,
  };
}

function withoutPassword(value: string): string {
  return value
    .split(',')
    .map((part) => {
      const url = new URL(part.trim());
      if (url.password) url.password = '***';
      return url.toString().replace(/\/$/, '');
    })
    .join(',');
}

/** One line per address, passwords hidden, saying which came from the environment. */
export function describeAddresses(a: InfraAddresses): string[] {
  const source = (key: string) => (a.fromEnv[key] ? `(${a.fromEnv[key]})` : '(default)');
  return [
    `postgres: ${a.postgres} ${source('postgres')}, database ${a.database} ${source('database')}`,
    `redis:    ${withoutPassword(a.redisUrl)} ${source('redis')}`,
    `rabbitmq: ${withoutPassword(a.amqpUrl)} ${source('rabbitmq')}`,
  ];
}
