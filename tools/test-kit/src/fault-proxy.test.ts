import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFaultProxy, type FaultProxy } from './fault-proxy.ts';
import { waitFor } from './wait-for.ts';

// The one bounded wait allowed: to show that a peer hangs, nothing may arrive during this window.
const HANG_WINDOW_MS = 300;

interface Client {
  socket: Socket;
  text: () => string;
  bytes: () => Buffer;
  state: { connected: boolean; closed: boolean; error?: NodeJS.ErrnoException };
}

/** Opens a socket that records what happens to it, for the test to poll. */
function openClient(port: number): Client {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  const state: Client['state'] = { connected: false, closed: false };
  socket.on('connect', () => {
    state.connected = true;
  });
  socket.on('data', (chunk) => void chunks.push(chunk));
  socket.on('error', (err) => {
    state.error = err;
  });
  socket.on('close', () => {
    state.closed = true;
  });
  return { socket, state, bytes: () => Buffer.concat(chunks), text: () => Buffer.concat(chunks).toString() };
}

async function expectSilence(client: Client, window = HANG_WINDOW_MS): Promise<void> {
  const before = client.bytes().length;
  await sleep(window);
  expect(client.bytes().length).toBe(before);
  expect(client.state.closed).toBe(false);
}

const opened: { close: () => unknown }[] = [];
const sockets: Socket[] = [];

async function startEcho(): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    s.on('error', () => undefined);
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  opened.push({ close: () => server.close() });
  return { server, port: (server.address() as AddressInfo).port };
}

async function proxyTo(host: string, port: number): Promise<FaultProxy> {
  const proxy = await createFaultProxy({ target: { host, port } });
  opened.push(proxy);
  return proxy;
}

function client(port: number): Client {
  const c = openClient(port);
  sockets.push(c.socket);
  return c;
}

afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const o of opened.splice(0).reverse()) await o.close();
});

describe('fault proxy against an echo server', () => {
  let proxy: FaultProxy;
  beforeEach(async () => {
    proxy = await proxyTo('127.0.0.1', (await startEcho()).port);
  });

  it('when it passes, then bytes go both ways and are counted', async () => {
    const c = client(proxy.port);
    c.socket.write('hello');
    await waitFor(() => c.text() === 'hello', { message: 'echo' });
    expect(proxy.stats()).toEqual({ accepted: 1, active: 1, bytesToTarget: 5, bytesToClient: 5 });
    expect(proxy.url('redis://')).toBe(`redis://127.0.0.1:${proxy.port}`);
  });

  it('when latency is set, then each direction is delayed and chunks keep their order', async () => {
    const c = client(proxy.port);
    await waitFor(() => c.state.connected, { message: 'connect' });
    await proxy.latency(100);
    const start = Date.now();
    for (let i = 0; i < 20; i++) c.socket.write(`${i},`);
    const expected = Array.from({ length: 20 }, (_, i) => `${i},`).join('');
    await waitFor(() => c.text() === expected, { message: 'delayed echo' });
    // 100 ms to the target and 100 ms back; timers may fire a millisecond early.
    expect(Date.now() - start).toBeGreaterThanOrEqual(195);

    await proxy.pass();
    const again = Date.now();
    c.socket.write('!');
    await waitFor(() => c.text().endsWith('!'), { message: 'prompt echo' });
    expect(Date.now() - again).toBeLessThan(100);
  });

  it('when blackholed, then existing and new peers hang, and pass resumes flow without the dropped bytes', async () => {
    const c = client(proxy.port);
    c.socket.write('a');
    await waitFor(() => c.text() === 'a', { message: 'first echo' });

    await proxy.blackhole();
    c.socket.write('b');
    const late = client(proxy.port);
    await waitFor(() => late.state.connected, { message: 'connect while blackholed' });
    late.socket.write('x');
    await Promise.all([expectSilence(c), expectSilence(late)]);

    await proxy.pass();
    c.socket.write('c');
    late.socket.write('y');
    await waitFor(() => c.text() === 'ac' && late.text() === 'y', { message: 'echo after blackhole' });
  });

  it('when reset, then existing and new connections get ECONNRESET', async () => {
    const c = client(proxy.port);
    c.socket.write('a');
    await waitFor(() => c.text() === 'a', { message: 'first echo' });

    await proxy.reset();
    await waitFor(() => c.state.error?.code === 'ECONNRESET', { message: 'reset of the existing connection' });
    const late = client(proxy.port);
    await waitFor(() => late.state.error?.code === 'ECONNRESET', { message: 'reset of a new connection' });
    await waitFor(() => proxy.stats().active === 0, { message: 'no active connection' });
  });

  it('when cut, then existing connections close and new ones are refused until restored', async () => {
    const c = client(proxy.port);
    c.socket.write('a');
    await waitFor(() => c.text() === 'a', { message: 'first echo' });

    await proxy.cut();
    await waitFor(() => c.state.closed, { message: 'existing connection closed' });
    const refused = client(proxy.port);
    await waitFor(() => refused.state.error?.code === 'ECONNREFUSED', { message: 'refusal' });

    await proxy.restore();
    const again = client(proxy.port);
    again.socket.write('back');
    await waitFor(() => again.text() === 'back', { message: 'echo after restore' });
    expect(proxy.stats().accepted).toBe(2);
  });

  it('when closed, then connections end and the port refuses', async () => {
    const c = client(proxy.port);
    await waitFor(() => c.state.connected, { message: 'connect' });
    await proxy.close();
    await waitFor(() => c.state.closed, { message: 'connection closed' });
    const refused = client(proxy.port);
    await waitFor(() => refused.state.error?.code === 'ECONNREFUSED', { message: 'refusal' });
    await expect(proxy.pass()).rejects.toThrow('closed');
  });
});

describe('fault proxy against the real servers', () => {
  it('when Redis is proxied, then PING answers PONG, and blackholed it hangs', async () => {
    const proxy = await proxyTo('127.0.0.1', 6379);
    const c = client(proxy.port);
    c.socket.write('PING\r\n');
    await waitFor(() => c.text() === '+PONG\r\n', { message: 'PONG through the proxy' });

    await proxy.blackhole();
    c.socket.write('PING\r\n');
    await expectSilence(c);

    await proxy.pass();
    c.socket.write('PING\r\n');
    await waitFor(() => c.text() === '+PONG\r\n+PONG\r\n', {
      message: 'one more PONG, the dropped PING stays dropped',
    });
  });

  it('when Postgres is proxied, then the SSLRequest probe is answered, and blackholed it hangs', async () => {
    const sslRequest = Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]);
    const proxy = await proxyTo('127.0.0.1', 5432);
    const c = client(proxy.port);
    c.socket.write(sslRequest);
    await waitFor(() => c.bytes().length === 1, { message: 'answer to SSLRequest' });
    expect(['N', 'S']).toContain(c.text());

    await proxy.blackhole();
    const hung = client(proxy.port);
    await waitFor(() => hung.state.connected, { message: 'connect while blackholed' });
    hung.socket.write(sslRequest);
    await expectSilence(hung);
  });
});
