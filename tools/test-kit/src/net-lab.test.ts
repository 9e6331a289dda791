import { execFile, execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNetLab, labNamespaces, type NetLab, removeStaleLabs } from './net-lab.ts';

const run = promisify(execFile);
let lab: NetLab;
let echo: Server;

/** Connects from inside a host to the address and port, sends `bytes`, and prints how many came back and how (`ok`, an error code, or `timeout`). */
const client = (ns: string[], address: string, port: number, bytes: number, timeoutMs: number) =>
  run(ns[0] as string, [
    ...ns.slice(1),
    process.execPath,
    '-e',
    `const s = require('node:net').connect(${port}, '${address}');
     let got = 0; const t0 = Date.now();
     const done = (how) => { console.log(JSON.stringify({ how, got, ms: Date.now() - t0 })); process.exit(0); };
     setTimeout(() => done('timeout'), ${timeoutMs});
     s.on('connect', () => s.write(Buffer.alloc(${bytes}, 1)));
     s.on('data', (d) => { got += d.length; if (got >= ${bytes}) done('ok'); });
     s.on('error', (e) => done(e.code));`,
  ]).then(({ stdout }) => JSON.parse(stdout) as { how: string; got: number; ms: number });

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  lab = await createNetLab();
});
afterAll(async () => {
  await lab?.stop();
  echo?.close();
});

describe('the network lab', () => {
  it('joins a host to a server on loopback through a forwarder, and partitions them without a reset', async () => {
    const host = await lab.host('client');
    const forwarder = await lab.forward({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
    expect(await client(host.command, forwarder.address, forwarder.port, 1000, 3000)).toMatchObject({
      how: 'ok',
      got: 1000,
    });

    const cut = await lab.partition(host, forwarder);
    const during = await client(host.command, forwarder.address, forwarder.port, 1000, 1500);
    // No reset and no refusal: the connection attempt hangs, as across a real partition.
    expect(during.how).toBe('timeout');
    expect(await cut.hits()).toBeGreaterThan(0);
    await cut.heal();
    expect(await client(host.command, forwarder.address, forwarder.port, 1000, 3000)).toMatchObject({ how: 'ok' });
  });

  it('drops a share of the packets on a link, which TCP retransmits through', { timeout: 60_000 }, async () => {
    const host = await lab.host('lossy');
    const forwarder = await lab.forward({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
    // A fifth of the packets each way: every lost segment or ACK is retransmitted, sometimes after backoff.
    const loss = await lab.loss(host, forwarder, 0.2);
    const result = await client(host.command, forwarder.address, forwarder.port, 200_000, 40_000);
    expect(result).toMatchObject({ how: 'ok', got: 200_000 });
    expect(await loss.hits()).toBeGreaterThan(0);
    await loss.heal();
  });

  it('shapes a host link, which delays a transfer behind its token bucket', async () => {
    const host = await lab.host('slow');
    const forwarder = await lab.forward({ host: '127.0.0.1', port: (echo.address() as AddressInfo).port });
    const fast = await client(host.command, forwarder.address, forwarder.port, 100_000, 10_000);
    const shaper = await lab.shape(host, 2_000, 1_000);
    const slow = await client(host.command, forwarder.address, forwarder.port, 100_000, 10_000);
    expect(slow.how).toBe('ok');
    // 100 kB each way at 2 Mbit/s is at least 400 ms.
    expect(slow.ms).toBeGreaterThan(Math.max(300, fast.ms * 3));
    expect(await shaper.hits()).toBeGreaterThan(0);
    await shaper.heal();
  });

  /** Sends `count` numbered UDP datagrams from inside the host to a socket on the bridge; returns what arrived, in order. */
  const datagrams = async (ns: string[], count: number) => {
    const socket = createSocket('udp4');
    const arrived: number[] = [];
    socket.on('message', (m) => arrived.push(m.readUInt32BE(0)));
    socket.bind(0, lab.address);
    await once(socket, 'listening');
    const port = socket.address().port;
    await run(ns[0] as string, [
      ...ns.slice(1),
      process.execPath,
      '-e',
      `const s = require('node:dgram').createSocket('udp4');
       let i = 0;
       const next = () => {
         if (i === ${count}) return setTimeout(() => s.close(), 50);
         const b = Buffer.alloc(200); b.writeUInt32BE(i++, 0);
         s.send(b, ${port}, '${lab.address}', () => (i % 20 ? next() : setTimeout(next, 1)));
       };
       next();`,
    ]);
    // Slowed datagrams may still be queued: wait for every number, then a little for late copies.
    const until = Date.now() + 10_000;
    while (new Set(arrived).size < count && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.close();
    return arrived;
  };

  it('duplicates a share of the packets a host sends, which arrive twice', async () => {
    const host = await lab.host('doubling');
    const fault = await lab.duplicate(host, { address: lab.address }, 0.2);
    const arrived = await datagrams(host.command, 2_000);
    // About 400 copies (a few may be dropped on the way, as any packet may); every datagram arrives.
    expect(arrived.length).toBeGreaterThan(2_200);
    expect(new Set(arrived).size).toBe(2_000);
    expect(await fault.hits()).toBeGreaterThanOrEqual(arrived.length - 2_000);
    await fault.heal();
    expect((await datagrams(host.command, 500)).length).toBe(500);
  });

  it('reorders a share of the packets a host sends, which later ones overtake', async () => {
    const host = await lab.host('shuffling');
    const fault = await lab.reorder(host, { address: lab.address }, 0.2);
    const arrived = await datagrams(host.command, 2_000);
    /** Datagrams that arrived after one sent later. */
    const overtakenIn = (list: number[]) => {
      let highest = -1;
      return list.filter((n) => {
        const late = n < highest;
        highest = Math.max(highest, n);
        return late;
      }).length;
    };
    const overtaken = overtakenIn(arrived);
    expect(new Set(arrived).size).toBe(2_000);
    // About 400 go through the slow class, and nearly all of them are overtaken.
    expect(overtaken).toBeGreaterThan(200);
    expect(await fault.hits()).toBeGreaterThan(200);
    await fault.heal();
    expect(overtakenIn(await datagrams(host.command, 500))).toBe(0);
  });

  it('removes what a lab of a dead process left, and all of its own on stop', async () => {
    // A lab's leftovers under a PID that no process has.
    const dead = 4_000_000 + (process.pid % 100_000);
    execFileSync('ip', ['netns', 'add', `skico-${dead}-left`]);
    execFileSync('ip', ['link', 'add', `skb${dead}x0`, 'type', 'bridge']);
    expect(removeStaleLabs()).toBeGreaterThanOrEqual(2);
    expect(labNamespaces()).not.toContain(`skico-${dead}-left`);

    const other = await createNetLab();
    await other.host('a');
    await other.loss((await other.host('b')) as never, { address: other.address }, 0.5);
    expect(labNamespaces().filter((n) => n.startsWith(`skico-${process.pid}x`)).length).toBeGreaterThanOrEqual(2);
    await other.stop();
    const { stdout } = await run('ip', ['-o', 'link', 'show']);
    expect(stdout).not.toContain(other.bridge);
  });
});
