import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Socket } from 'node:net';

export interface FaultProxyOptions {
  /** Where accepted connections are forwarded. */
  target: { host: string; port: number };
  /** Port to listen on; 0 (the default) picks a free one. */
  listenPort?: number;
  /** Address to listen on: 127.0.0.1 by default; a network lab's bridge address makes it a forwarder. */
  listenHost?: string;
}

export type FaultMode = 'pass' | 'latency' | 'blackhole' | 'reset' | 'cut';

export interface FaultProxyStats {
  accepted: number;
  active: number;
  bytesToTarget: number;
  bytesToClient: number;
}

/** Every mode switch applies to existing connections as well as new ones. */
export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  readonly mode: FaultMode;
  /** `url('redis://')` → `redis://127.0.0.1:<port>`; `url('postgres://u:p@', '/db')` adds a path. */
  url(prefix?: string, path?: string): string;
  /** Forwards bytes both ways, at once. */
  pass(): Promise<void>;
  /** Delays every chunk in both directions by `ms`, keeping their order. */
  latency(ms: number): Promise<void>;
  /** Keeps connections open but silently drops every byte (and FIN) in both directions: the peer hangs. */
  blackhole(): Promise<void>;
  /** Sends a TCP RST on every connection, existing and new. */
  reset(): Promise<void>;
  /** Closes every connection and stops listening, so that new ones are refused. */
  cut(): Promise<void>;
  /** Same as `pass()`: listens again if cut. */
  restore(): Promise<void>;
  stats(): FaultProxyStats;
  close(): Promise<void>;
}

/** Starts a TCP proxy to `target` whose faults a test switches at will. */
export async function createFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const host = options.listenHost ?? '127.0.0.1';
  let mode: FaultMode = 'pass';
  let delayMs = 0;
  let closed = false;
  const counters = { accepted: 0, bytesToTarget: 0, bytesToClient: 0 };
  const connections = new Set<{ sockets: [Socket, Socket]; stop: () => void }>();

  /** Copies `from` → `to` under the mode at the time each chunk arrives; returns a function dropping what is delayed. */
  function forward(from: Socket, to: Socket, counter: 'bytesToTarget' | 'bytesToClient'): () => void {
    const queue: { data: Buffer | null; due: number }[] = []; // data null stands for the peer's FIN
    let timer: NodeJS.Timeout | undefined;
    const deliver = (data: Buffer | null) => {
      if (to.destroyed || to.writableEnded) return;
      if (data === null) return void to.end();
      counters[counter] += data.length;
      if (!to.write(data) && !from.isPaused()) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    };
    // One timer per direction for the head of the queue, so a shorter latency set later cannot overtake.
    const flush = () => {
      timer = undefined;
      for (let next = queue[0]; next && next.due <= Date.now(); next = queue[0]) {
        queue.shift();
        deliver(next.data);
      }
      if (queue[0]) timer = setTimeout(flush, queue[0].due - Date.now());
    };
    const accept = (data: Buffer | null) => {
      if (mode === 'blackhole') return; // dropped for good, even once the mode changes back
      queue.push({ data, due: Date.now() + delayMs });
      if (!timer) flush();
    };
    from.on('data', accept);
    from.on('end', () => accept(null));
    return () => clearTimeout(timer);
  }

  const server = createServer((client) => {
    counters.accepted++;
    client.on('error', () => undefined); // a failed side shows up as 'close' with hadError, handled below
    if (mode === 'reset') return void client.resetAndDestroy();
    if (mode === 'cut' || closed) return void client.destroy();
    const upstream = connect(options.target);
    upstream.on('error', () => undefined);
    const toTarget = forward(client, upstream, 'bytesToTarget');
    const toClient = forward(upstream, client, 'bytesToClient');
    const connection = {
      sockets: [client, upstream] as [Socket, Socket],
      stop: () => {
        toTarget();
        toClient();
      },
    };
    connections.add(connection);
    for (const [self, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      self.on('close', (hadError) => {
        if (hadError) other.destroy();
        if (!other.destroyed) return;
        connection.stop();
        connections.delete(connection);
      });
    }
  });

  const listen = async (port: number) => {
    server.listen(port, host);
    await once(server, 'listening');
  };
  const eachSocket = (fn: (socket: Socket) => void) => {
    for (const { sockets } of connections) for (const s of sockets) if (!s.destroyed) fn(s);
  };

  async function setMode(next: FaultMode, ms = 0): Promise<void> {
    if (closed) throw new Error('the fault proxy is closed');
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`latency must be a non-negative number of ms, got ${ms}`);
    mode = next;
    delayMs = ms;
    if (next === 'reset') eachSocket((s) => s.resetAndDestroy());
    if (next === 'cut') {
      eachSocket((s) => s.destroy());
      if (server.listening) server.close();
    } else if (!server.listening) await listen(port);
  }

  await listen(options.listenPort ?? 0);
  // Kept after a cut, so that clients configured with the proxy's url reconnect to the same port.
  const port = (server.address() as AddressInfo).port;

  return {
    host,
    port,
    get mode() {
      return mode;
    },
    url: (prefix = 'tcp://', path = '') => `${prefix}${host}:${port}${path}`,
    pass: () => setMode('pass'),
    latency: (ms) => setMode('latency', ms),
    blackhole: () => setMode('blackhole'),
    reset: () => setMode('reset'),
    cut: () => setMode('cut'),
    restore: () => setMode('pass'),
    stats: () => ({ ...counters, active: connections.size }),
    close: async () => {
      if (closed) return;
      closed = true;
      eachSocket((s) => s.destroy());
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
