import type { ServerResponse } from 'node:http';
import type { Redis } from '@skico/cache';
import type { Operation } from '@skico/contracts';
import { AppError } from '@skico/errors';
import type { Stage } from '@skico/http';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import { operationOf } from '../upstream/api-request.ts';
import { type ClientIdentity, clientOf } from './client-identity.ts';
import { redisWindowShare } from './redis-window-share.ts';
import { type Budget, createWindowStore, type Decision } from './sliding-window.ts';

/** Each class of traffic has its own budget, so a flood of one kind cannot use up another's. */
export type RateClass = 'read' | 'ride' | 'write' | 'admin';

export interface RateLimitOptions {
  redis: Redis;
  /** Redis's breaker: every Redis call goes through it; when it fails or is open, memory takes over. */
  breaker: Breaker;
  windowSeconds: number;
  /** How often the counts are shared through Redis, in ms. */
  syncMs: number;
  limits: Record<RateClass, number>;
  /** Clients counted in this process's memory at most; the least recently seen make room. */
  maxClients: number;
  identity: ClientIdentity;
  log: Logger;
  now?: () => number;
}

/** A request's class: admin routes, lift-ride POSTs, other writes, and reads. */
export function rateClassOf(operation: Operation): RateClass {
  if (operation.auth === 'admin') return 'admin';
  if (operation.operationId === 'recordLiftRide') return 'ride';
  return operation.method === 'GET' ? 'read' : 'write';
}

function setHeaders(res: ServerResponse, decision: Decision, windowSeconds: number) {
  res.setHeader('RateLimit-Limit', String(decision.limit));
  res.setHeader('RateLimit-Remaining', String(decision.remaining));
  res.setHeader('RateLimit-Reset', String(decision.resetSeconds));
  res.setHeader('RateLimit-Policy', `${decision.limit};w=${windowSeconds}`);
}

/**
 * Rate limiting per client and class of traffic, for the operations the contract marks `rateLimited`:
 * a sliding window decided in memory and shared by every replica through Redis every `syncMs` (one
 * pipelined round trip for all clients, instead of one per request). While Redis cannot answer, each
 * replica limits from its own counts. Over budget: 429 with Retry-After; every counted answer carries
 * RateLimit-* headers.
 */
export function createRateLimiter(options: RateLimitOptions) {
  const now = options.now ?? Date.now;
  const budgets = Object.fromEntries(
    Object.entries(options.limits).map(([cls, limit]) => [cls, { limit, windowMs: options.windowSeconds * 1000 }]),
  ) as Record<RateClass, Budget>;
  let degraded = false;
  // Only a sync with counts to send calls Redis, through its breaker: idle syncs must not count as
  // successful Redis calls, or they would keep the breaker closed while Redis fails everyone else.
  const redisShare = redisWindowShare(options.redis);
  const store = createWindowStore(async (items) => {
    try {
      const results = await options.breaker.run(() => redisShare(items));
      if (degraded) options.log.info('rate limits shared through Redis again');
      degraded = false;
      return results;
    } catch (err) {
      if (!degraded) options.log.warn({ err: (err as Error).message }, 'rate limits counted in process memory only');
      degraded = true;
      throw err;
    }
  }, options.maxClients);

  let syncing: Promise<void> | undefined;
  const sync = () => {
    syncing ??= store
      .sync(now())
      .catch(() => undefined)
      .finally(() => {
        syncing = undefined;
      });
    return syncing;
  };
  const timer = setInterval(sync, options.syncMs);
  timer.unref();

  const handle: Stage = (req, res, next) => {
    // HEAD is served as GET, so it counts as a read.
    const match = operationOf(req);
    if (!match?.operation.rateLimited) {
      next();
      return;
    }
    const cls = rateClassOf(match.operation);
    const decision = store.hit(`${cls}:${clientOf(req, options.identity)}`, budgets[cls], now());
    setHeaders(res, decision, options.windowSeconds);
    if (!decision.allowed) {
      throw new AppError(
        'rate-limited',
        'RATE_LIMITED',
        `Too many ${cls} requests from this client: at most ${decision.limit} per ${options.windowSeconds} s.`,
        { retryAfterSeconds: decision.retryAfterSeconds },
      );
    }
    next();
  };

  return {
    handle,
    /** Sends what is still counted only here, then stops syncing. */
    close: async () => {
      clearInterval(timer);
      await syncing;
      await sync();
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
