import { setTimeout as sleep } from 'node:timers/promises';
import { prepareDatabase } from './database.ts';
import { processes } from './processes.ts';
import { defaultSettings, opsListeners, opsPortKey, processEnv, type StackSettings } from './stack-env.ts';
import { createSupervisor, type SupervisorOptions } from './supervisor.ts';

export interface StackOptions extends Partial<Omit<SupervisorOptions, 'onLine'>> {
  settings?: Partial<StackSettings>;
  onLine?: SupervisorOptions['onLine'];
  /** How long every process may take to become ready. */
  readyTimeoutMs?: number;
  /** Only these processes (by name); all by default. */
  only?: string[];
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
  };
  await prepareDatabase(settings, options.adminUrl);
  const supervisor = createSupervisor({
    onLine: options.onLine ?? (() => undefined),
    restart: options.restart ?? true,
    stopTimeoutMs: options.stopTimeoutMs ?? 15_000,
    nodeArgs: options.nodeArgs,
  });
  const selected = processes.filter((p) => !options.only || options.only.includes(p.name));
  const urlOf = (name: string) => `http://${settings.host}:${settings.ports[name]}`;
  try {
    for (const spec of selected) supervisor.start(spec, processEnv(spec, settings));
    await Promise.all(selected.map((spec) => waitForReady(urlOf(spec.name), options.readyTimeoutMs ?? 30_000)));
  } catch (err) {
    await supervisor.stop();
    throw err;
  }
  /** Where a process serves /metrics and /health/deps: its internal listener when it has one (the gateway). */
  const opsUrlOf = (name: string) =>
    opsListeners[name] ? `http://${settings.host}:${settings.ports[opsPortKey(name)]}` : urlOf(name);
  return { settings, supervisor, urlOf, opsUrlOf, gatewayUrl: urlOf('gateway'), stop: () => supervisor.stop() };
}

export type RunningStack = Awaited<ReturnType<typeof startStack>>;
