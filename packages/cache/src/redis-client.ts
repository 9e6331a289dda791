import type { Logger } from '@skico/log';
import { Redis } from 'ioredis';

export type { Redis };

export interface RedisOptions {
  url: string;
  /** Prefix of every key of this process, such as `liftride:` or a test run's namespace. */
  keyPrefix?: string;
  /** A command that gets no answer within this fails instead of waiting; ioredis waits forever by default. */
  commandTimeoutMs?: number;
  connectTimeoutMs?: number;
  log: Logger;
}

/**
 * An ioredis client that fails fast while Redis is away: bounded connect and command times, no offline
 * queue, one retry per command, and reconnection with capped backoff in the background. Commands are
 * auto-pipelined.
 */
export function createRedisClient(options: RedisOptions): Redis {
  const redis = new Redis(options.url, {
    keyPrefix: options.keyPrefix,
    connectTimeout: options.connectTimeoutMs ?? 1_000,
    commandTimeout: options.commandTimeoutMs ?? 500,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    retryStrategy: (attempt) => Math.min(2_000, 50 * 2 ** attempt),
    // ioredis sends the commands that were unanswered when a connection dropped again on the next one, by
    // default even those that timed out and failed long ago: after a partition, an idempotency claim, a
    // cache fill or a rate-limit count whose caller had moved on would land in Redis seconds or minutes
    // late (a claim then answered its key 409 for 30 s). A command that got no answer has failed; its
    // caller decides what to do again.
    autoResendUnfulfilledCommands: false,
    lazyConnect: false,
    // The commands of one event-loop turn (every request's cache reads and fills) leave in one write:
    // Redis then reads and answers them together, at half its CPU per request.
    enableAutoPipelining: true,
  });
  let down = false;
  redis.on('error', (err) => {
    if (!down) options.log.warn({ err: err.message }, 'redis unavailable');
    down = true;
  });
  redis.on('ready', () => {
    if (down) options.log.info('redis available again');
    down = false;
  });
  return redis;
}

/** Waits until the client is connected, up to the timeout; false when Redis is not there (not an error). */
export async function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/**
 * Starts a new connection whenever the breaker opens. A command that timed out may leave its reply owed
 * on the old connection (a lost packet, a hung server), and every later reply would then be matched to
 * the wrong command: only a new connection is safe.
 */
export function reconnectWhenOpen(redis: Redis, breaker: { on: (event: 'open', listener: () => void) => void }): void {
  breaker.on('open', () => redis.disconnect(true));
}

/**
 * The knobs of a process's Redis breaker, shared by every process that uses Redis. The timeout is below
 * the client's command timeout (500 ms): a hung Redis opens the breaker, and callers then skip it at once.
 */
export const redisBreakerOptions = {
  name: 'redis',
  timeoutMs: 300,
  errorThresholdPercentage: 50,
  volumeThreshold: 10,
  resetTimeoutMs: 2_000,
  capacity: 256,
  rollingWindowMs: 10_000,
};
