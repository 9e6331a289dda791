import { dropDatabase } from '@skico/pg';
import { freePort, uniqueName } from '@skico/test-kit';
import { defaultAdminUrl } from './database.ts';
import { removeNamespace } from './namespace-cleanup.ts';
import { processes, serviceSchemas } from './processes.ts';
import { replicasOf } from './replicas.ts';
import { databaseUrl, opsListeners, opsPortKey, processEnv, type StackSettings } from './stack-env.ts';
import { type StackOptions, startStack } from './start-stack.ts';

export interface TestStackOptions extends Omit<StackOptions, 'settings' | 'onLine'> {
  settings?: Partial<Omit<StackSettings, 'database' | 'namespace' | 'ports'>>;
  /** Print every process's output as it comes (for debugging a test). */
  verbose?: boolean;
  /** How many recent output lines logs() keeps; 2000 by default. */
  logLines?: number;
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
  let stack: Awaited<ReturnType<typeof startStack>>;
  try {
    stack = await startStack({
      ...options,
      onLine,
      settings: { logLevel: 'warn', ...options.settings, database, namespace, ports },
    });
  } catch (err) {
    await dropDatabase(options.adminUrl ?? defaultAdminUrl, database).catch(() => undefined);
    throw new Error(`${(err as Error).message}\n--- last output ---\n${lines.slice(-40).join('\n')}`);
  }
  return {
    ...stack,
    database,
    namespace,
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
