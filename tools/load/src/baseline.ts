import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

async function startProcess(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  const child = fork(join(here, 'baseline-process.ts'), args, {
    cwd: join(here, '..'),
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Settles once: the first message is the port; an exit before it is a failure to start.
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`baseline ${args[0]} exited with ${code} before listening`)));
  });
  return { child, port };
}

/**
 * The bare two-hop baseline: a minimal node:http proxy with a keep-alive agent in front of a minimal
 * node:http server that answers every route with a constant body. Each runs in its own process, as the
 * gateway and the lift-ride service do: in one process the two hops would share one core and one event
 * loop, which on a 2-core machine would make the baseline slower than the system's shape and flatter
 * every ratio.
 */
export async function startBaseline(sockets: number) {
  const server = await startProcess(['server']);
  let proxy: Awaited<ReturnType<typeof startProcess>>;
  try {
    proxy = await startProcess(['proxy', String(server.port), String(sockets)]);
  } catch (err) {
    server.child.kill('SIGTERM');
    throw err;
  }
  const stopOne = async (child: ChildProcess) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  return {
    url: `http://127.0.0.1:${proxy.port}`,
    /** Its two processes, for the CPU and memory figures. */
    processes: new Map([
      ['baseline proxy', proxy.child.pid ? [proxy.child.pid] : []],
      ['baseline server', server.child.pid ? [server.child.pid] : []],
    ]),
    stop: async () => {
      await stopOne(proxy.child);
      await stopOne(server.child);
    },
  };
}

export type Baseline = Awaited<ReturnType<typeof startBaseline>>;
