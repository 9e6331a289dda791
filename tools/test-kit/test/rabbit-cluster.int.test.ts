import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRabbitCluster } from '../src/rabbit-cluster.ts';

describe('a RabbitMQ cluster of the test own', () => {
  it('when started, then three nodes of the machine installation run clustered on their own ports, a killed node rejoins on restart, and close leaves no process behind', async () => {
    const started = Date.now();
    const cluster = await startRabbitCluster();
    const bootMs = Date.now() - started;
    const pids = cluster.nodes.map((n) => n.pid());
    let dir: string | undefined;
    try {
      expect(cluster.nodes.map((n) => n.amqpPort)).not.toContain(5672);
      expect(cluster.nodes.map((n) => n.distPort)).not.toContain(25672);
      expect((await cluster.runningNodes(cluster.nodes[0] as never)).sort()).toEqual(
        cluster.nodes.map((n) => n.name).sort(),
      );
      for (const node of cluster.nodes) {
        expect(await answersAmqp(node.amqpPort)).toBe(true);
      }
      const [first, second] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
      dir = cluster.dir;
      cluster.signal(second, 'SIGKILL');
      const killed = Date.now();
      await expect.poll(() => second.pid(), { timeout: 5_000 }).toBeUndefined();
      await cluster.restart(second);
      await expect
        .poll(async () => (await cluster.runningNodes(first)).length, { timeout: 30_000, interval: 500 })
        .toBe(3);
      console.log('rabbit cluster', JSON.stringify({ bootMs, rejoinMs: Date.now() - killed }));
    } finally {
      await cluster.close();
    }
    for (const pid of pids) expect(pid && isAlive(pid)).toBe(false);
    expect(dir && existsSync(dir)).toBe(false);
  }, 120_000);
});

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether a broker answers the AMQP 0-9-1 protocol header at the port (with its connection.start). */
function answersAmqp(port: number) {
  return new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data[0] === 1);
    });
    socket.once('error', () => resolve(false));
  });
}
