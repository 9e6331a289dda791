import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { uniqueName } from './unique-name.ts';

const run = promisify(execFile);
// The machine's installation (Debian's rabbitmq-server package). The scripts in /usr/lib/rabbitmq/bin are
// the ones /usr/sbin wraps with `su rabbitmq`; called directly, the process we spawn is the node itself.
const bin = '/usr/lib/rabbitmq/bin';

export interface RabbitNode {
  /** Erlang node name, as rabbitmqctl -n takes it. */
  name: string;
  amqpPort: number;
  distPort: number;
  /** amqp://guest:guest@127.0.0.1:PORT */
  url: string;
  /** The OS process of the node (beam.smp), while it runs. */
  pid: () => number | undefined;
}

export interface RabbitCluster {
  nodes: RabbitNode[];
  /** The temporary folder of the cluster (cookie, configs, data, logs); removed by close(). */
  dir: string;
  /** Every node's URL, comma-separated, as AMQP_URL takes it. */
  urls: string;
  /** Runs a RabbitMQ CLI (rabbitmqctl, rabbitmq-queues…) against a node of the cluster; resolves its stdout. */
  cli: (tool: string, node: RabbitNode, args: string[], timeoutMs?: number) => Promise<string>;
  /** Sends a signal to a node's process (SIGKILL, SIGSTOP, SIGCONT). */
  signal: (node: RabbitNode, signal: NodeJS.Signals) => void;
  /** Starts a node again on its own data directory (it rejoins the cluster it belonged to) and waits for it. */
  restart: (node: RabbitNode) => Promise<void>;
  /** Names of the nodes that the given node sees running in the cluster. */
  runningNodes: (via: RabbitNode) => Promise<string[]>;
  /** The node that leads a quorum queue, as the given node reports it. */
  leaderOf: (queue: string, via: RabbitNode) => Promise<string | undefined>;
  /** Kills every node of this cluster (only its own processes) and removes its folder. */
  close: () => Promise<void>;
}

/**
 * A RabbitMQ cluster of the test's own: `size` nodes of the machine's installation, each with its own node
 * name, AMQP and distribution ports, config and env files (the machine's pin the node name and port 5672),
 * data and log directories in a temporary folder owned by the `rabbitmq` user, and an Erlang cookie of the
 * cluster's own; joined with rabbitmqctl join_cluster. Must run as root or as `rabbitmq`.
 * @throws when a node does not boot or join within the timeout (the nodes started so far are killed).
 */
export async function startRabbitCluster(options: { size?: number; bootTimeoutMs?: number } = {}) {
  const size = options.size ?? 3;
  const bootTimeoutMs = options.bootTimeoutMs ?? 60_000;
  const { uid, gid } = await rabbitmqUser();
  const dir = mkdtempSync(join(tmpdir(), 'skico-rabbit-'));
  chownSync(dir, uid, gid);
  const own = (path: string, text: string) => {
    writeFileSync(path, text, { mode: 0o400 });
    chownSync(path, uid, gid);
  };
  // Erlang refuses a cookie file that others can read; HOME points every node and CLI call at it.
  own(join(dir, '.erlang.cookie'), randomBytes(20).toString('hex'));
  own(join(dir, 'rabbitmq-env.conf'), '');
  const prefix = uniqueName('skico').replaceAll('_', '-');
  const processes = new Map<string, ChildProcess>();
  const nodes: RabbitNode[] = [];
  for (let i = 1; i <= size; i++) {
    const amqpPort = await freePort();
    let distPort = await freePort();
    // A node's default distribution port is its AMQP port + 20000; never the machine broker's.
    while (distPort === 25672 || distPort === amqpPort) distPort = await freePort();
    const name = `${prefix}-${i}@localhost`;
    own(join(dir, `node-${i}.conf`), `listeners.tcp.default = 127.0.0.1:${amqpPort}\n`);
    nodes.push({
      name,
      amqpPort,
      distPort,
      url: `amqp://guest:guest@127.0.0.1:${amqpPort}`,
      pid: () => {
        const child = processes.get(name);
        return child && child.exitCode === null && child.signalCode === null ? child.pid : undefined;
      },
    });
  }

  const baseEnv = {
    PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/bin',
    HOME: dir,
    LANG: 'C.UTF-8',
    RABBITMQ_CONF_ENV_FILE: join(dir, 'rabbitmq-env.conf'),
    ERL_EPMD_ADDRESS: '127.0.0.1',
  };
  const start = (node: RabbitNode) => {
    const index = nodes.indexOf(node) + 1;
    const child = spawn(`${bin}/rabbitmq-server`, [], {
      cwd: dir,
      uid,
      gid,
      stdio: 'ignore',
      env: {
        ...baseEnv,
        // Makes the script exec the VM instead of forking it: the child's PID is the node's.
        RUNNING_UNDER_SYSTEMD: 'true',
        RABBITMQ_NODENAME: node.name,
        RABBITMQ_NODE_PORT: String(node.amqpPort),
        RABBITMQ_DIST_PORT: String(node.distPort),
        RABBITMQ_CONFIG_FILE: join(dir, `node-${index}.conf`),
        RABBITMQ_MNESIA_BASE: join(dir, `mnesia-${index}`),
        RABBITMQ_LOG_BASE: join(dir, `log-${index}`),
        RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
      },
    });
    child.on('error', () => undefined);
    processes.set(node.name, child);
  };

  const cli: RabbitCluster['cli'] = async (tool, node, args, timeoutMs = 30_000) => {
    const { stdout } = await run(`${bin}/${tool}`, ['-q', '-n', node.name, ...args], {
      cwd: dir,
      uid,
      gid,
      env: baseEnv,
      timeout: timeoutMs,
    });
    return stdout;
  };
  // await_startup fails at once while the node has not registered with epmd yet: ask again until the deadline.
  const awaitStartup = async (node: RabbitNode) => {
    const deadline = Date.now() + bootTimeoutMs;
    for (;;) {
      try {
        await cli('rabbitmqctl', node, ['--timeout', '30', 'await_startup'], 35_000);
        return;
      } catch (err) {
        if (!node.pid()) throw new Error(`${node.name} exited while booting (logs in ${dir})`, { cause: err });
        if (Date.now() > deadline) throw err;
        await sleep(500);
      }
    }
  };

  // If the test runner dies before close(), the nodes still go with it.
  const killAll = () => {
    for (const child of processes.values()) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  const close = async () => {
    process.off('exit', killAll);
    const exits = [...processes.values()]
      .filter((child) => child.exitCode === null && child.signalCode === null)
      .map((child) => new Promise((resolve) => child.once('exit', resolve)));
    killAll();
    await Promise.all(exits);
    rmSync(dir, { recursive: true, force: true });
  };

  try {
    for (const node of nodes) start(node);
    await Promise.all(nodes.map(awaitStartup));
    const [first, ...others] = nodes;
    if (!first) throw new Error('a cluster needs a node');
    for (const node of others) {
      await cli('rabbitmqctl', node, ['stop_app']);
      await cli('rabbitmqctl', node, ['join_cluster', first.name]);
      await cli('rabbitmqctl', node, ['start_app']);
    }
  } catch (err) {
    await close();
    throw err;
  }

  const runningNodes = async (via: RabbitNode) => {
    const status = JSON.parse(await cli('rabbitmqctl', via, ['cluster_status', '--formatter', 'json'], 15_000));
    return (status.running_nodes ?? []) as string[];
  };

  const cluster: RabbitCluster = {
    nodes,
    dir,
    urls: nodes.map((n) => n.url).join(','),
    cli,
    signal: (node, signal) => {
      const pid = node.pid();
      if (pid) process.kill(pid, signal);
    },
    restart: async (node) => {
      if (node.pid()) throw new Error(`${node.name} is still running`);
      start(node);
      await awaitStartup(node);
    },
    runningNodes,
    leaderOf: async (queue, via) => {
      const rows = JSON.parse(
        await cli('rabbitmqctl', via, ['list_queues', 'name', 'leader', '--formatter', 'json'], 15_000),
      ) as { name: string; leader: string }[];
      return rows.find((r) => r.name === queue)?.leader;
    },
    close,
  };
  return cluster;
}

async function rabbitmqUser() {
  const [uid, gid] = await Promise.all([run('id', ['-u', 'rabbitmq']), run('id', ['-g', 'rabbitmq'])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
