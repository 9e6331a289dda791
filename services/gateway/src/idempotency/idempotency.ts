import type { Redis } from '@skico/cache';
import { AppError } from '@skico/errors';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { StoredResponse } from '../upstream/types.ts';
import { type KeyedRequest, scopedKey } from './request-key.ts';

interface IdempotencyRecord {
  state: 'in-flight' | 'done';
  fingerprint: string;
  status?: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface IdempotencyOptions {
  redis: Redis;
  /** Redis's breaker: when it is open, requests run unguarded at once instead of waiting on Redis. */
  breaker: Breaker;
  /** How long a completed answer is kept for replay; the draft asks for at least 24 h. */
  retentionSeconds: number;
  /** How long an in-flight claim holds when its request never completes (a crash). */
  lockSeconds: number;
  log: Logger;
  /** Counts what each keyed request came to (metrics). */
  count?: (outcome: IdempotencyOutcome) => void;
}

/**
 * stored: ran and its answer was kept; released: ran and its answer was not kept (400, 404, 408, 429,
 * 5xx), so a retry runs again; replayed: answered from the record; conflict: the key was in flight (409);
 * reused: the key came with a different request (422); unguarded: Redis could not be asked.
 */
export type IdempotencyOutcome = 'stored' | 'released' | 'replayed' | 'conflict' | 'reused' | 'unguarded';

const inFlight = () =>
  new AppError('conflict', 'IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is in progress.', {
    retryAfterSeconds: 1,
  });

/**
 * Answers that say nothing took effect and that a retry may change: 400 (the client fixes the body), 404
 * (the target may exist a moment later: a season just added and not yet in the lift-ride metadata cache),
 * 408 and 429 (the budget refills), and every 5xx (the dependency recovers). They are not kept: the key is
 * released at once and a retry runs again. That is safe because every keyed effect is idempotent where it
 * happens (lift rides and seasons by their natural key, profiles by the scoped key stored with them), so
 * a run that did commit after all is found again, not repeated.
 */
const kept = (status: number) => status < 500 && status !== 400 && status !== 404 && status !== 408 && status !== 429;

/**
 * Idempotency-Key semantics (IETF httpapi draft) over Redis, for keys scoped by `scopedKey`: the first
 * request with a key runs and its answer is kept; the same key with the same request replays that answer;
 * with a different request it is 422; while the first is still running it is 409 (the key's format is
 * checked by the caller). Transient answers are not kept (see `kept`).
 * When Redis cannot be reached the request runs without a record: the service that receives the scoped
 * key still takes its effect once and answers a repeat with the first answer.
 */
export function createIdempotency(options: IdempotencyOptions) {
  const count = options.count ?? (() => undefined);
  // Every Redis call goes through Redis's breaker.
  const redis = {
    claim: (key: string, value: string) =>
      options.breaker.run(() => options.redis.set(key, value, 'EX', options.lockSeconds, 'NX')),
    save: (key: string, value: string) =>
      options.breaker.run(() => options.redis.set(key, value, 'EX', options.retentionSeconds)),
    get: (key: string) => options.breaker.run(() => options.redis.get(key)),
    del: (key: string) => options.breaker.run(() => options.redis.del(key)),
  };

  return {
    /**
     * Runs or replays a keyed request. `forward` receives the scoped key, which the service must be given
     * in place of the client's (its effect is stored under it).
     */
    async run(
      request: KeyedRequest,
      forward: (scoped: string) => Promise<StoredResponse>,
    ): Promise<{ response: StoredResponse; replayed: boolean }> {
      const { requestId, fingerprint: print } = request;
      const scoped = scopedKey(request);
      const id = `gateway:v2:idem:${scoped}`;
      let claimed: string | null;
      try {
        const claim: IdempotencyRecord = { state: 'in-flight', fingerprint: print };
        claimed = await redis.claim(id, JSON.stringify(claim));
      } catch (err) {
        count('unguarded');
        options.log.warn(
          { requestId, err: (err as Error).message },
          'idempotency store unavailable; request runs unguarded, the service dedupes by the scoped key',
        );
        return { response: await forward(scoped), replayed: false };
      }
      if (claimed === null) {
        const response = await existing(id, print);
        count('replayed');
        return { response, replayed: true };
      }

      let response: StoredResponse;
      try {
        response = await forward(scoped);
      } catch (err) {
        await redis.del(id).catch(() => undefined);
        throw err;
      }
      const done: IdempotencyRecord = {
        state: 'done',
        fingerprint: print,
        status: response.status,
        headers: response.headers,
        body: response.body.toString('base64'),
      };
      const keep = kept(response.status);
      await (keep ? redis.save(id, JSON.stringify(done)) : redis.del(id)).then(
        () => count(keep ? 'stored' : 'released'),
        (err) => options.log.warn({ requestId, err: (err as Error).message }, 'idempotency record not saved'),
      );
      return { response, replayed: false };
    },
  };

  async function existing(id: string, print: string): Promise<StoredResponse> {
    const raw = await redis.get(id).catch(() => null);
    const record = raw ? (JSON.parse(raw) as IdempotencyRecord) : undefined;
    if (!record) {
      count('conflict');
      throw inFlight();
    }
    if (record.fingerprint !== print) {
      count('reused');
      throw new AppError(
        'unprocessable',
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used for a different request; use a new key.',
      );
    }
    if (record.state === 'in-flight') {
      count('conflict');
      throw inFlight();
    }
    return {
      status: record.status ?? 200,
      headers: record.headers ?? {},
      body: Buffer.from(record.body ?? '', 'base64'),
    };
  }
}

export type Idempotency = ReturnType<typeof createIdempotency>;
