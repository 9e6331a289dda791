import { setTimeout as sleep } from 'node:timers/promises';
import { prepareDatabase } from './database.ts';
import { processes } from './processes.ts';
import { countOf, replicaName, replicasOf, type Scale } from './replicas.ts';
import {
  defaultSettings,
  hostOf,
  opsListeners,
  opsPortKey,
  portOf,
  processEnv,
  type StackSettings,
} from './stack-env.ts';
import { createSupervisor, type SupervisorOptions } from './supervisor.ts';

export interface StackOptions extends Partial<Omit<SupervisorOptions, 'onLine'>> {
  settings?: Partial<StackSettings>;
  onLine?: SupervisorOptions['onLine'];
  /** How long every process may take to become ready. */
  readyTimeoutMs?: number;
  /** Only these processes (by name); all by default. */
  only?: string[];
  /** Replicas of each process, by name (`worker` stands for lift-ride-worker); one of each by default. */
  scale?: Scale;
  /** The superuser URL the database is prepared with; its host should be `settings.postgres`. */
  adminUrl?: string;
}

/** Polls a process's readiness endpoint until it answers 200. @throws when it does not within the timeout. */
export async function waitForReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
      last = `status ${res.status}: ${await res.text()}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await sleep(100);
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms (${last})`);
}

/**
 * Prepares the database and starts every process of the system under a supervisor, waiting until each
 * is ready. Used by the start command and by the end-to-end tests.
 */
export async function startStack(options: StackOptions = {}) {
  const settings: StackSettings = {
    ...defaultSettings,
    ...options.settings,
    ports: { ...defaultSettings.ports, ...options.settings?.ports },
    ...(options.scale ? { scale: options.scale } : {}),
  };
  await prepareDatabase(settings, options.adminUrl);
  const supervisor = createSupervisor({
    onLine: options.onLine ?? (() => undefined),
    restart: options.restart ?? true,
    stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
    nodeArgs: options.nodeArgs,
    launcher: options.launcher,
  });
  const selected = replicasOf(
    processes.filter((p) => !options.only || options.only.includes(p.name)),
    settings.scale,
  );
  /** The URL of a process or of one of its replicas (`lift-ride-2`). */
  const urlOf = (name: string) => `http://${hostOf(settings, name)}:${portOf(settings, name)}`;
  try {
    for (const spec of selected) supervisor.start(spec, processEnv(spec, settings));
    await Promise.all(selected.map((spec) => waitForReady(urlOf(spec.name), options.readyTimeoutMs ?? 30_000)));
  } catch (err) {
    await supervisor.stop();
    throw err;
  }
  /** Where a process serves /metrics and /health/deps: its internal listener when it has one (the gateway). */
  const opsUrlOf = (name: string) => {
    const replica = selected.find((r) => r.name === name);
    return opsListeners[replica?.replicaOf ?? name]
      ? `http://${hostOf(settings, name)}:${portOf(settings, opsPortKey(name))}`
      : urlOf(name);
  };
  /** Every replica of a process: its name (for the supervisor's signals and restarts), URL and ops URL. */
  const replicas = (name: string) =>
    Array.from({ length: countOf(settings.scale, name) }, (_, i) => {
      const replica = replicaName(name, i);
      return { name: replica, url: urlOf(replica), opsUrl: opsUrlOf(replica) };
    });
  return {
    settings,
    supervisor,
    urlOf,
    opsUrlOf,
    replicas,
    gatewayUrl: urlOf('gateway'),
    stop: () => supervisor.stop(),
  };
}

export type RunningStack = Awaited<ReturnType<typeof startStack>>;
