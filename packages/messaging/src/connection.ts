import type { Logger } from '@skico/log';
import amqp, { type ChannelModel } from 'amqplib';
import { topologyMismatchOf } from './topology-mismatch.ts';

export type { ChannelModel };

export interface AmqpConnectionOptions {
  /** One broker URL, or the nodes of a cluster as a comma-separated list (tried in order, then in turn). */
  url: string;
  log: Logger;
  /** Shown in the broker's connection list. */
  name: string;
  connectTimeoutMs?: number;
  /** A silent peer is declared dead after about two heartbeats. */
  heartbeatSeconds?: number;
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

export type ConnectListener = (connection: ChannelModel) => Promise<void>;

export interface AmqpConnection {
  /** The live connection, or undefined while (re)connecting: callers fail fast instead of waiting. */
  current: () => ChannelModel | undefined;
  /**
   * Runs on every (re)connection, in registration order: declare the topology, open channels. A listener
   * that fails closes that connection and a new one is tried, except when the broker refused a declaration
   * as inequivalent to what exists (TopologyMismatch): then the connection gives up for good.
   */
  onConnect: (listener: ConnectListener) => void;
  /**
   * Resolves once connected, or rejects after the timeout.
   * @throws TopologyMismatch at once when the declared topology conflicts with the broker's.
   */
  ready: (timeoutMs: number) => Promise<void>;
  /** host:port of the node the live connection goes to, or undefined while (re)connecting. */
  node: () => string | undefined;
  close: () => Promise<void>;
}

/** The URLs of a comma-separated list, in order; a single URL is a list of one. */
function brokerUrls(list: string): string[] {
  const urls = list
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  if (urls.length === 0) throw new Error('no broker URL given');
  return urls;
}

/**
 * amqplib reads the heartbeat from the URL's query only (a socket option is ignored, and without one the
 * broker's 60 s is taken): a paused node would hold the connection for two minutes.
 */
const withHeartbeat = (url: string, seconds: number) => {
  const parsed = new URL(url);
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds));
  return parsed.toString();
};

const nodeOf = (url: string) => {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || 5672}`;
};

/**
 * One RabbitMQ connection per process, re-established whenever it drops, with the topology declared again
 * after each reconnect. With several nodes, a lost or refused connection moves on to the next node at once;
 * the backoff (capped, exponential) grows with each round in which no node answered.
 */
export function createAmqpConnection(options: AmqpConnectionOptions): AmqpConnection {
  const { log } = options;
  const urls = brokerUrls(options.url);
  let index = 0;
  let connectedNode: string | undefined;
  const listeners: ConnectListener[] = [];
  const waiters = new Set<{ wake: () => void; fail: (err: Error) => void }>();
  let connection: ChannelModel | undefined;
  let closing = false;
  // Set when the broker refused our declarations as inequivalent: every reconnection would be refused alike.
  let failure: Error | undefined;
  let attempt = 0;
  let timer: NodeJS.Timeout | undefined;

  const schedule = () => {
    if (closing || failure) return;
    const rounds = Math.floor(attempt / urls.length);
    const delay = Math.min(options.reconnectMaxMs ?? 5_000, (options.reconnectMinMs ?? 100) * 2 ** rounds);
    attempt += 1;
    timer = setTimeout(() => void connect(), delay);
  };

  const connect = async () => {
    let candidate: ChannelModel | undefined;
    const url = urls[index % urls.length] as string;
    // The next attempt, after a failure or a loss, goes to the next node.
    index += 1;
    try {
      candidate = await amqp.connect(withHeartbeat(url, options.heartbeatSeconds ?? 5), {
        timeout: options.connectTimeoutMs ?? 2_000,
        clientProperties: { connection_name: options.name },
        // amqplib leaves Nagle's algorithm on: a small publish then waits for the ACK of the one before it,
        // which the broker delays by up to 40 ms. With a few messages in flight (group commit), that wait
        // would set the pace.
        noDelay: true,
      } as never);
      candidate.on('error', (err: Error) => log.warn({ err: err.message }, 'rabbitmq connection error'));
      candidate.once('close', () => {
        if (connection === candidate) {
          connection = undefined;
          connectedNode = undefined;
        }
        if (!closing) {
          log.warn({ node: nodeOf(url) }, 'rabbitmq connection lost; reconnecting');
          schedule();
        }
      });
      for (const listener of listeners) await listener(candidate);
      if (closing) {
        await candidate.close().catch(() => undefined);
        return;
      }
      connection = candidate;
      connectedNode = nodeOf(url);
      if (attempt > 0) log.info({ node: connectedNode }, 'rabbitmq connected');
      attempt = 0;
      for (const waiter of waiters) waiter.wake();
    } catch (err) {
      const mismatch = topologyMismatchOf(err);
      if (mismatch) {
        failure = mismatch;
        // The connection may have closed first and scheduled a retry, which would be refused alike.
        clearTimeout(timer);
        log.error({ err: mismatch.message, argument: mismatch.argument }, 'rabbitmq topology mismatch');
        for (const waiter of waiters) waiter.fail(mismatch);
      } else log.warn({ err: (err as Error).message, node: nodeOf(url), attempt }, 'rabbitmq connect failed');
      if (candidate) await candidate.close().catch(() => undefined);
      else schedule();
    }
  };

  void connect();

  return {
    current: () => connection,
    node: () => connectedNode,
    onConnect: (listener) => {
      listeners.push(listener);
    },
    ready: (timeoutMs) => {
      if (failure) return Promise.reject(failure);
      if (connection) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const waiter = {
          wake: () => {
            clearTimeout(limit);
            waiters.delete(waiter);
            resolve();
          },
          fail: (err: Error) => {
            clearTimeout(limit);
            waiters.delete(waiter);
            reject(err);
          },
        };
        const limit = setTimeout(
          () => waiter.fail(new Error(`rabbitmq not connected within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.add(waiter);
      });
    },
    close: async () => {
      closing = true;
      clearTimeout(timer);
      const open = connection;
      connection = undefined;
      connectedNode = undefined;
      if (open) await open.close().catch(() => undefined);
    },
  };
}
