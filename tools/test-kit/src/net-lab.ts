import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';

const run = promisify(execFile);

/**
 * Hosts and links of a test's own, below the socket: each host is a network namespace joined by a veth pair
 * to a bridge that the lab creates in the machine's namespace, on a private /24 (10.213.N.0) that exists only
 * while the lab does. The bridge's own address (.1) is where forwarders reach the machine's servers, which
 * listen on loopback only and are never reconfigured.
 *
 * Faults are kernel rules in a host's namespace: iptables DROP (a partition without a reset, whole or one
 * way), the `statistic` match (random loss), a `tbf` shaper on both ends of a host's link (bandwidth, hence
 * queueing delay), the TEE target (duplicated packets) and an HTB class that a share of the packets is sent
 * through slowly (reordering, with jitter). The kernel of these machines has no `netem`, so a fixed delay
 * cannot be made here; see docs/resilience.md.
 */
export interface NetHost {
  name: string;
  /** The network namespace's name (for `ip netns exec`). */
  namespace: string;
  /** The host's address on the lab's bridge. */
  address: string;
  /** The prefix that runs a command inside the host: `[...host.command, 'node', 'app.js']`. */
  command: string[];
  /** The two ends of its link: inside the namespace, and on the bridge. */
  links: { inside: string; bridge: string };
}

/** Something a host talks to: another host, or one port of one (a forwarded server, a service's port). */
export interface Peer {
  address: string;
  port?: number;
}

export type Direction = 'both' | 'to' | 'from';

export interface Fault {
  /** What the fault is, for test output. */
  describe: string;
  /** Packets the fault's rules dropped (or, for a shaper, held back) so far: proof that it landed. */
  hits(): Promise<number>;
  heal(): Promise<void>;
}

/** A forwarder from the bridge to a server on the machine's loopback. */
export interface Forwarder extends Peer {
  port: number;
  proxy: FaultProxy;
}

const PREFIX = 'skico';
const NETNS_DIR = '/var/run/netns';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function quietSync(cmd: string, args: string[]) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
  } catch {
    // already gone
  }
}

/**
 * Removes the namespaces and links of labs whose process is gone (a test killed before its cleanup ran).
 * Their names carry the creating process's PID: `skico-<pid>x<lab>-…`, `skb<pid>x…`, `skv<pid>x…`.
 */
export function removeStaleLabs(): number {
  let removed = 0;
  const namespaces = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  for (const line of namespaces.split('\n')) {
    const m = new RegExp(`^(${PREFIX}-(\\d+)[x-]\\S+)`).exec(line);
    if (m && !alive(Number(m[2]))) {
      quietSync('ip', ['netns', 'del', m[1] as string]);
      removed += 1;
    }
  }
  const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
  for (const line of links.split('\n')) {
    const m = /^\d+: (sk[bv](\d+)x\w+)[@:]/.exec(line);
    if (m && !alive(Number(m[2]))) {
      quietSync('ip', ['link', 'del', m[1] as string]);
      removed += 1;
    }
  }
  return removed;
}

/**
 * Says why this machine cannot make a lab, or undefined when it can: it needs root (CAP_NET_ADMIN), iproute2
 * and iptables. Checked by making and removing a namespace.
 */
export function labUnavailable(): string | undefined {
  const probe = `${PREFIX}-${process.pid}-probe`;
  try {
    execFileSync('iptables', ['--version'], { stdio: 'ignore' });
  } catch {
    return 'iptables is not installed (Debian: apt-get install iptables)';
  }
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe' });
    execFileSync('ip', ['netns', 'exec', probe, 'iptables', '-L', '-n'], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return `network namespaces cannot be made here (root with CAP_NET_ADMIN and iproute2 are needed): ${
      err.stderr?.toString().trim() || err.message
    }`;
  } finally {
    quietSync('ip', ['netns', 'del', probe]);
  }
}

let labsMade = 0;
let linksMade = 0;
const live = new Set<() => void>();
let exitHook = false;

/** Picks a 10.213.N.0/24 that no interface of the machine uses. */
async function freeSubnet(): Promise<string> {
  const { stdout } = await run('ip', ['-o', '-4', 'addr', 'show']);
  for (let n = 1; n < 255; n++) if (!stdout.includes(` 10.213.${n}.`)) return `10.213.${n}`;
  throw new Error('no free 10.213.N.0/24 subnet for a network lab');
}

/**
 * Creates a lab: first removes what dead labs left, then makes the bridge. `stop()` removes every namespace,
 * link and rule it made; so does the process's exit, should the test end without it.
 */
export async function createNetLab() {
  const reason = labUnavailable();
  if (reason) throw new Error(`packet-level fault tests cannot run on this machine: ${reason}`);
  removeStaleLabs();
  const id = `${process.pid}x${labsMade++}`;
  const bridge = `skb${id}`;
  const subnet = await freeSubnet();
  const bridgeAddress = `${subnet}.1`;
  const hosts = new Map<string, NetHost>();
  const forwarders: Forwarder[] = [];
  const faults = new Set<Fault>();
  let nextAddress = 2;
  let stopped = false;

  const removeSync = () => {
    for (const host of hosts.values()) quietSync('ip', ['netns', 'del', host.namespace]);
    quietSync('ip', ['link', 'del', bridge]);
  };
  live.add(removeSync);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const remove of live) remove();
    });
  }

  const ip = (...args: string[]) => run('ip', args);
  await ip('link', 'add', bridge, 'type', 'bridge');
  await ip('addr', 'add', `${bridgeAddress}/24`, 'dev', bridge);
  await ip('link', 'set', bridge, 'up');

  const inHost = (host: NetHost, cmd: string, args: string[]) =>
    run('ip', ['netns', 'exec', host.namespace, cmd, ...args]);

  /** The packets between the host and the peer, one way: `to` leaves the host, `from` arrives at it. */
  const between = (peer: Peer, dir: 'to' | 'from') => [
    ...(dir === 'to' ? ['-d', peer.address] : ['-s', peer.address]),
    ...(peer.port !== undefined ? ['-p', 'tcp', dir === 'to' ? '--dport' : '--sport', String(peer.port)] : []),
  ];
  const sample = (share: number) => {
    if (!(share > 0 && share <= 1)) throw new Error(`a share of packets is in (0, 1], got ${share}`);
    return share < 1 ? ['-m', 'statistic', '--mode', 'random', '--probability', String(share)] : [];
  };

  interface Rule {
    table: 'filter' | 'mangle';
    chain: string;
    spec: string[];
  }

  let faultsMade = 0;
  /** Adds iptables rules in the host's namespace, tagged so that their counters can be read and they removed. */
  const addRules = async (
    host: NetHost,
    what: string,
    rules: (tag: string) => Rule[],
    undo: () => Promise<unknown> = async () => undefined,
  ) => {
    const tag = `${PREFIX}-fault-${faultsMade++}`;
    const made = rules(tag);
    const iptables = (op: '-A' | '-D', r: Rule) =>
      inHost(host, 'iptables', ['-t', r.table, op, r.chain, ...r.spec, '-m', 'comment', '--comment', tag]);
    for (const rule of made) await iptables('-A', rule);
    const fault: Fault = {
      describe: what,
      hits: async () => {
        const { stdout } = await inHost(host, 'iptables-save', ['-c']);
        let packets = 0;
        for (const line of stdout.split('\n')) {
          const m = /^\[(\d+):\d+\].*--comment "?([\w-]+)"?/.exec(line);
          if (m && m[2] === tag) packets += Number(m[1]);
        }
        return packets;
      },
      heal: async () => {
        if (!faults.delete(fault)) return;
        for (const rule of made) await iptables('-D', rule);
        await undo();
      },
    };
    faults.add(fault);
    return fault;
  };

  /** Drops `share` of the packets between a host and a peer, in the given direction. */
  const addDrop = (host: NetHost, peer: Peer, direction: Direction, share: number, what: string) => {
    const drop = sample(share);
    return addRules(
      host,
      what,
      () =>
        [
          ...(direction !== 'from'
            ? [{ table: 'filter', chain: 'OUTPUT', spec: [...between(peer, 'to'), ...drop, '-j', 'DROP'] }]
            : []),
          ...(direction !== 'to'
            ? [{ table: 'filter', chain: 'INPUT', spec: [...between(peer, 'from'), ...drop, '-j', 'DROP'] }]
            : []),
        ] as Rule[],
    );
  };

  /** Reorder faults in place per host, which share the host link's HTB. */
  const reordering = new Map<string, number>();

  const peerName = (peer: Peer) => `${peer.address}${peer.port !== undefined ? `:${peer.port}` : ''}`;
  const arrow = { both: '↔', to: '→', from: '←' } as const;

  return {
    bridge,
    /** The bridge's address, where forwarders listen and from where the test reaches every host. */
    address: bridgeAddress,
    /** Makes a host: a namespace with loopback up, linked to the bridge, with the next address. */
    async host(name: string): Promise<NetHost> {
      if (stopped) throw new Error('the network lab is stopped');
      if (hosts.has(name)) throw new Error(`the lab already has a host ${name}`);
      const n = linksMade++;
      const namespace = `${PREFIX}-${id}-${name}`;
      const links = { inside: 'eth0', bridge: `skv${process.pid}x${n}` };
      const address = `${subnet}.${nextAddress++}`;
      const host: NetHost = { name, namespace, address, links, command: ['ip', 'netns', 'exec', namespace] };
      hosts.set(name, host);
      await ip('netns', 'add', namespace);
      await ip('-n', namespace, 'link', 'set', 'lo', 'up');
      await ip('link', 'add', links.bridge, 'type', 'veth', 'peer', 'name', links.inside, 'netns', namespace);
      await ip('link', 'set', links.bridge, 'master', bridge);
      await ip('link', 'set', links.bridge, 'up');
      await ip('-n', namespace, 'addr', 'add', `${address}/24`, 'dev', links.inside);
      await ip('-n', namespace, 'link', 'set', links.inside, 'up');
      return host;
    },
    hosts: () => [...hosts.values()],
    /** Forwards a port of the bridge to a server on the machine's loopback (the fault proxy, passing). */
    async forward(target: { host: string; port: number }): Promise<Forwarder> {
      const proxy = await createFaultProxy({ target, listenHost: bridgeAddress });
      const forwarder = { address: bridgeAddress, port: proxy.port, proxy };
      forwarders.push(forwarder);
      return forwarder;
    },
    /** A partition without a reset: every packet between the host and the peer (one way, or both) is dropped. */
    partition: (host: NetHost, peer: Peer, direction: Direction = 'both') =>
      addDrop(host, peer, direction, 1, `partition ${host.name} ${arrow[direction]} ${peerName(peer)}`),
    /** Random loss of `share` of the packets between the host and the peer, each way on its own. */
    loss: (host: NetHost, peer: Peer, share: number, direction: Direction = 'both') =>
      addDrop(
        host,
        peer,
        direction,
        share,
        `${Math.round(share * 100)} % loss ${host.name} ${arrow[direction]} ${peerName(peer)}`,
      ),
    /**
     * Limits the host's link to `rateKbit` each way with a token bucket, whose queue (up to `queueMs`) delays
     * packets behind a burst: queueing delay, as on a congested link, not a fixed one.
     */
    async shape(host: NetHost, rateKbit: number, queueMs = 200): Promise<Fault> {
      const tbf = ['root', 'tbf', 'rate', `${rateKbit}kbit`, 'burst', '4kb', 'latency', `${queueMs}ms`];
      await inHost(host, 'tc', ['qdisc', 'replace', 'dev', host.links.inside, ...tbf]);
      await run('tc', ['qdisc', 'replace', 'dev', host.links.bridge, ...tbf]);
      const fault: Fault = {
        describe: `${rateKbit} kbit/s link of ${host.name}`,
        hits: async () => {
          const counted = (text: string) => Number(/overlimits (\d+)/.exec(text)?.[1] ?? 0);
          const inside = await inHost(host, 'tc', ['-s', 'qdisc', 'show', 'dev', host.links.inside]);
          const outside = await run('tc', ['-s', 'qdisc', 'show', 'dev', host.links.bridge]);
          return counted(inside.stdout) + counted(outside.stdout);
        },
        heal: async () => {
          if (!faults.delete(fault)) return;
          await inHost(host, 'tc', ['qdisc', 'del', 'dev', host.links.inside, 'root']).catch(() => undefined);
          await run('tc', ['qdisc', 'del', 'dev', host.links.bridge, 'root']).catch(() => undefined);
        },
      };
      faults.add(fault);
      return fault;
    },
    /**
     * Duplicates `share` of the packets the host sends to the peer: the kernel's TEE target sends a copy of
     * each to the peer's address as well. Only the host's own sending side can be duplicated this way (a copy
     * of what the peer sends would need a rule in the peer's namespace, or in the machine's for a forwarder).
     */
    duplicate: (host: NetHost, peer: Peer, share: number) =>
      addRules(host, `${Math.round(share * 100)} % duplicated ${host.name} → ${peerName(peer)}`, () => [
        {
          table: 'mangle',
          chain: 'POSTROUTING',
          spec: [...between(peer, 'to'), ...sample(share), '-j', 'TEE', '--gateway', peer.address],
        },
      ]),
    /**
     * Reorders the packets the host sends to the peer: `share` of them go through a slow class of an HTB
     * qdisc on the host's side of its link (`slowKbit`), and the others overtake them. Delay with jitter, too:
     * a slowed packet waits for the ones queued before it. It replaces a shaper on the same host; the reorder
     * faults of one host share its slow class (the first one's rate).
     */
    async reorder(host: NetHost, peer: Peer, share: number, slowKbit = 400): Promise<Fault> {
      const dev = host.links.inside;
      const tc = (...args: string[]) => inHost(host, 'tc', args);
      // One HTB per host link, shared by its reorder faults, removed with the last of them.
      if (!reordering.get(host.name)) {
        await tc('qdisc', 'replace', 'dev', dev, 'root', 'handle', '1:', 'htb', 'default', '10');
        await tc('class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:10', 'htb', 'rate', '10gbit');
        await tc(
          ...['class', 'add', 'dev', dev, 'parent', '1:', 'classid', '1:20', 'htb'],
          ...['rate', `${slowKbit}kbit`, 'ceil', `${slowKbit}kbit`],
        );
      }
      reordering.set(host.name, (reordering.get(host.name) ?? 0) + 1);
      return addRules(
        host,
        `${Math.round(share * 100)} % reordered ${host.name} → ${peerName(peer)}`,
        () => [
          {
            table: 'mangle',
            chain: 'POSTROUTING',
            spec: [...between(peer, 'to'), ...sample(share), '-j', 'CLASSIFY', '--set-class', '1:20'],
          },
        ],
        async () => {
          const left = (reordering.get(host.name) ?? 1) - 1;
          reordering.set(host.name, left);
          if (left === 0) await tc('qdisc', 'del', 'dev', dev, 'root').catch(() => undefined);
        },
      );
    },
    /** Heals every fault still in place. */
    async healAll() {
      for (const fault of [...faults]) await fault.heal();
    },
    /** Removes every forwarder, namespace and link of the lab (and so every rule in them). */
    async stop() {
      if (stopped) return;
      stopped = true;
      faults.clear();
      for (const f of forwarders) await f.proxy.close();
      for (const host of hosts.values()) await ip('netns', 'del', host.namespace).catch(() => undefined);
      await ip('link', 'del', bridge).catch(() => undefined);
      live.delete(removeSync);
    },
  };
}

export type NetLab = Awaited<ReturnType<typeof createNetLab>>;

/** The namespaces this machine has now whose name a lab gives (for a test that checks the cleanup). */
export function labNamespaces(): string[] {
  try {
    return execFileSync('ls', [NETNS_DIR], { encoding: 'utf8' })
      .split('\n')
      .filter((n) => n.startsWith(`${PREFIX}-`));
  } catch {
    return [];
  }
}
