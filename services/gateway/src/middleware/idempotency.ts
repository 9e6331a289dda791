import { createHash } from 'node:crypto';
import type { Redis } from '@skico/cache';
import { AppError } from '@skico/errors';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

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
 * stored: ran and its answer was kept; replayed: answered from the record; conflict: the key was in
 * flight (409); reused: the key came with a different request (422); unguarded: Redis could not be asked.
 */
export type IdempotencyOutcome = 'stored' | 'replayed' | 'conflict' | 'reused' | 'unguarded';

/** The fingerprint of a request: method, path with query, and the exact body bytes. */
export function fingerprint(method: string, url: string, body: Buffer | undefined): string {
  return createHash('sha256')
    .update(`${method} ${url}\n`)
    .update(body ?? Buffer.alloc(0))
    .digest('hex');
}

/**
 * Idempotency-Key semantics (IETF httpapi draft) over Redis: the first request with a key runs and its
 * answer is kept; the same key with the same request replays that answer; with a different request it is
 * 422; while the first is still running it is 409 (the key's format is checked by the caller). 5xx and 400
 * answers are not kept, so a retry (with the body fixed) runs again.
 * When Redis cannot be reached the request runs unguarded (lift rides stay exactly-once by their key).
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
  const redisKey = (key: string) => `gateway:v1:idem:${createHash('sha256').update(key).digest('hex')}`;

  return {
    /** Runs or replays a keyed request; its request id goes on the (rare) lines logged about it. */
    async run(
      key: string,
      print: string,
      forward: () => Promise<StoredResponse>,
      requestId?: string,
    ): Promise<{ response: StoredResponse; replayed: boolean }> {
      const id = redisKey(key);
      let claimed: string | null;
      try {
        const claim: IdempotencyRecord = { state: 'in-flight', fingerprint: print };
        claimed = await redis.claim(id, JSON.stringify(claim));
      } catch (err) {
        count('unguarded');
        options.log.warn(
          { requestId, err: (err as Error).message },
          'idempotency store unavailable; request runs unguarded',
        );
        return { response: await forward(), replayed: false };
      }
      if (claimed === null) {
        const response = await existing(id, print);
        count('replayed');
        return { response, replayed: true };
      }

      let response: StoredResponse;
      try {
        response = await forward();
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
      // A refused request (400: nothing ran) or a failure is not kept: the client fixes it and retries with the key.
      const kept = response.status < 500 && response.status !== 400;
      const store = kept ? redis.save(id, JSON.stringify(done)) : redis.del(id);
      await store.then(
        () => {
          if (response.status < 500) count('stored');
        },
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
      throw new AppError(
        'conflict',
        'IDEMPOTENCY_KEY_IN_FLIGHT',
        'A request with this Idempotency-Key is in progress.',
        {
          retryAfterSeconds: 1,
        },
      );
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
      throw new AppError(
        'conflict',
        'IDEMPOTENCY_KEY_IN_FLIGHT',
        'A request with this Idempotency-Key is in progress.',
        {
          retryAfterSeconds: 1,
        },
      );
    }
    return {
      status: record.status ?? 200,
      headers: record.headers ?? {},
      body: Buffer.from(record.body ?? '', 'base64'),
    };
  }
}

export type Idempotency = ReturnType<typeof createIdempotency>;
