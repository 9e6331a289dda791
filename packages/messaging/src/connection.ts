import type { Logger } from '@skico/log';
import amqp, { type ChannelModel } from 'amqplib';
import { topologyMismatchOf } from './topology-mismatch.ts';

export type { ChannelModel };

export interface AmqpConnectionOptions {
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
  close: () => Promise<void>;
}

/**
 * One RabbitMQ connection per process, re-established with capped exponential backoff whenever it drops,
 * with the topology declared again after each reconnect.
 */
export function createAmqpConnection(options: AmqpConnectionOptions): AmqpConnection {
  const { log } = options;
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
    const delay = Math.min(options.reconnectMaxMs ?? 5_000, (options.reconnectMinMs ?? 100) * 2 ** attempt);
    attempt += 1;
    timer = setTimeout(() => void connect(), delay);
  };

  const connect = async () => {
    let candidate: ChannelModel | undefined;
    try {
      candidate = await amqp.connect(options.url, {
        timeout: options.connectTimeoutMs ?? 2_000,
        heartbeat: options.heartbeatSeconds ?? 5,
        clientProperties: { connection_name: options.name },
        // amqplib leaves Nagle's algorithm on: a small publish then waits for the ACK of the one before it,
        // which the broker delays by up to 40 ms. With a few messages in flight (group commit), that wait
        // would set the pace.
        noDelay: true,
      } as never);
      candidate.on('error', (err: Error) => log.warn({ err: err.message }, 'rabbitmq connection error'));
      candidate.once('close', () => {
        if (connection === candidate) connection = undefined;
        if (!closing) {
          log.warn('rabbitmq connection lost; reconnecting');
          schedule();
        }
      });
      for (const listener of listeners) await listener(candidate);
      if (closing) {
        await candidate.close().catch(() => undefined);
        return;
      }
      connection = candidate;
      if (attempt > 0) log.info('rabbitmq connected');
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
      } else log.warn({ err: (err as Error).message, attempt }, 'rabbitmq connect failed');
      if (candidate) await candidate.close().catch(() => undefined);
      else schedule();
    }
  };

  void connect();

  return {
    current: () => connection,
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
      if (open) await open.close().catch(() => undefined);
    },
  };
}
