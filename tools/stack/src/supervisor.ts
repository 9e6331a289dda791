import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type ProcessSpec, repoRoot } from './processes.ts';

export interface SupervisedProcess {
  spec: ProcessSpec;
  env: Record<string, string>;
  child: ChildProcess | undefined;
  restarts: number;
}

export interface SupervisorOptions {
  /** Receives every output line of every process, and the supervisor's own lines (name "stack"). */
  onLine: (name: string, line: string, stream: 'stdout' | 'stderr') => void;
  /** Restart a process that exits on its own (the compose restart policy, locally). */
  restart: boolean;
  /** How long a process may take to stop after SIGTERM before it is killed. */
  stopTimeoutMs: number;
  /** Extra node options for every process, e.g. `--cpu-prof` (which NODE_OPTIONS does not allow). */
  nodeArgs?: string[];
  /**
   * A command that runs a process's node in a place of its own, by process name: a network lab's
   * `ip netns exec <namespace>`, which execs, so that the child's PID is still the process's own.
   */
  launcher?: (name: string) => string[];
}

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 10_000;
/** A process that ran this long before dying starts again from the shortest backoff. */
const STABLE_AFTER_MS = 30_000;

/**
 * Starts and watches the processes of the stack. A process that dies is restarted with exponential
 * backoff and the restart is logged; stop() sends SIGTERM in reverse start order and waits for each.
 */
export function createSupervisor(options: SupervisorOptions) {
  const supervised = new Map<string, SupervisedProcess>();
  let stopping = false;
  const say = (line: string) => options.onLine('stack', line, 'stdout');

  const spawnOne = (p: SupervisedProcess) => {
    const [command = process.execPath, ...args] = [
      ...(options.launcher?.(p.spec.name) ?? []),
      process.execPath,
      ...(options.nodeArgs ?? []),
      '--import',
      'tsx',
      p.spec.entry,
    ];
    const child = spawn(command, args, {
      cwd: join(repoRoot, p.spec.dir),
      env: { ...process.env, ...p.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.child = child;
    const startedAt = Date.now();
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (source) createInterface({ input: source }).on('line', (line) => options.onLine(p.spec.name, line, stream));
    }
    child.on('exit', (code, signal) => {
      if (p.child === child) p.child = undefined;
      if (stopping || !options.restart) return;
      if (Date.now() - startedAt > STABLE_AFTER_MS) p.restarts = 0;
      const backoff = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** p.restarts);
      p.restarts += 1;
      say(`${p.spec.name} exited (${signal ?? `code ${code}`}); restart #${p.restarts} in ${backoff} ms`);
      setTimeout(() => {
        if (!stopping && !p.child) spawnOne(p);
      }, backoff).unref();
    });
  };

  const stopOne = async (p: SupervisedProcess) => {
    const child = p.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => {
      say(`${p.spec.name} did not stop within ${options.stopTimeoutMs} ms; killing it`);
      child.kill('SIGKILL');
    }, options.stopTimeoutMs);
    await exited;
    clearTimeout(timer);
  };

  return {
    start(spec: ProcessSpec, env: Record<string, string>) {
      const p: SupervisedProcess = { spec, env, child: undefined, restarts: 0 };
      supervised.set(spec.name, p);
      spawnOne(p);
    },
    /** The live child of a process, for signals in tests. */
    child(name: string): ChildProcess | undefined {
      return supervised.get(name)?.child;
    },
    restarts(name: string): number {
      return supervised.get(name)?.restarts ?? 0;
    },
    pids(): number[] {
      return [...supervised.values()].flatMap((p) => (p.child?.pid ? [p.child.pid] : []));
    },
    async stop() {
      stopping = true;
      for (const p of [...supervised.values()].reverse()) await stopOne(p);
    },
  };
}

export type Supervisor = ReturnType<typeof createSupervisor>;
