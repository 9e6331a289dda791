import { once } from 'node:events';
import { type AddressInfo, createServer, connect as dial, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AmqpConnection, createAmqpConnection } from '../src/connection.ts';
import { amqpUrl, silentLog, until } from './broker-kit.ts';

const broker = new URL(amqpUrl);
let connection: AmqpConnection | undefined;
const cleanups: (() => void)[] = [];
afterEach(async () => {
  await connection?.close();
  for (const cleanup of cleanups.splice(0)) cleanup();
});

/** A TCP relay to the machine's broker that the test can cut, standing in for a node of a cluster. */
async function relay() {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = dial({ host: broker.hostname, port: Number(broker.port || 5672) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
    // Not piped: a silent relay keeps both sockets open and passes nothing, as a paused (SIGSTOPped) node.
    client.on('data', (data) => {
      if (!silent) upstream.write(data);
    });
    upstream.on('data', (data) => {
      if (!silent) client.write(data);
    });
  });
  let silent = false;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const down = () => {
    server.close();
    for (const s of sockets) s.destroy();
  };
  cleanups.push(down);
  const silence = () => {
    silent = true;
  };
  return { url: `amqp://${broker.username}:${broker.password}@127.0.0.1:${port}`, port, down, silence };
}

describe('a connection to several broker nodes', () => {
  it('when the first node of the list refuses connections, then it connects to the next one', async () => {
    const dead = await relay();
    dead.down();
    const live = await relay();
    connection = createAmqpConnection({ url: `${dead.url},${live.url}`, log: silentLog, name: 'test-list' });
    await connection.ready(5_000);
    expect(connection.node()).toBe(`127.0.0.1:${live.port}`);
  });

  it('when the node it is connected to goes away, then it reconnects to another node and runs its listeners again', async () => {
    const first = await relay();
    const second = await relay();
    let connects = 0;
    connection = createAmqpConnection({ url: `${first.url}, ${second.url}`, log: silentLog, name: 'test-rotate' });
    connection.onConnect(async () => {
      connects += 1;
    });
    await connection.ready(5_000);
    expect(connection.node()).toBe(`127.0.0.1:${first.port}`);
    first.down();
    await until(() => connection?.node() === `127.0.0.1:${second.port}`, 'no reconnection to the second node');
    expect(connects).toBe(2);
  });

  it('when the node it is connected to goes silent (paused, its socket open), then after about two heartbeats it connects to another node', async () => {
    const first = await relay();
    const second = await relay();
    connection = createAmqpConnection({
      url: `${first.url},${second.url}`,
      log: silentLog,
      name: 'test-silent',
      heartbeatSeconds: 1,
    });
    await connection.ready(5_000);
    const silencedAt = Date.now();
    first.silence();
    await until(() => connection?.node() === `127.0.0.1:${second.port}`, 'no reconnection after the heartbeat', 8_000);
    expect(Date.now() - silencedAt).toBeGreaterThanOrEqual(1_000);
  });

  it('when given one URL, then it connects to it as before', async () => {
    connection = createAmqpConnection({ url: amqpUrl, log: silentLog, name: 'test-one' });
    await connection.ready(5_000);
    expect(connection.node()).toBe(`${broker.hostname}:${broker.port || 5672}`);
  });
});
