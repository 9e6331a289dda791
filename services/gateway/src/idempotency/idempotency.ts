import { randomUUID } from 'node:crypto';
import type { Redis } from '@skico/cache';
import { AppError } from '@skico/errors';
import type { Logger } from '@skico/log';
import type { Breaker } from '@skico/resilience';
import type { StoredResponse } from '../upstream/types.ts';
import { type KeyedRequest, scopedKey } from './request-key.ts';

interface IdempotencyRecord {
  state: 'in-flight' | 'done';
  fingerprint: string;
  /** A claim's own id, so that only the request that claimed a key finishes it. */
  claim?: string;
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
  /**
   * When a claim must reach Redis by, in ms by Redis's clock (the gateway's shared clock), or 0 for no
   * limit (no reading of Redis's clock yet). A claim that arrives later is dropped by Redis: see `claimScript`.
   */
  claimDeadline?: () => number;
}

/**
 * The claim of a key: SET NX EX, unless Redis's clock is past the claim's deadline. A claim can arrive long
 * after the gateway gave up on it (its breaker's 300 ms): written to a connection that a partition then held,
 * it is delivered by TCP when the partition heals, and Redis runs it. Its request ran without a record
 * meanwhile and was answered; the late claim would then hold the key "in flight" for `lockSeconds` and
 * answer every retry 409. Returns 1 when claimed, 0 when the key exists, -1 when too late.
 * KEYS: the record. ARGV: the claim, lock seconds, deadline (ms; 0 for none).
 */
const claimScript = `
local deadline = tonumber(ARGV[3])
if deadline > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > deadline then return -1 end
end
if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then return 1 end
return 0
`;

type ClaimCommand = (key: string, value: string, lockSeconds: number, deadline: number) => Promise<number>;

/**
 * Finishes a claim: stores the answer (with its retention) or, with an empty value, deletes the record, but
 * only while the record is still that claim. KEYS: the record. ARGV: the claim, the answer or '', seconds.
 */
const finishScript = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) end
return 1
`;

type FinishCommand = (key: string, claim: string, value: string, retentionSeconds: number) => Promise<number>;

/** Claims whose finish failed (Redis unreachable), tried again every second until their lock expires. */
interface Unfinished {
  id: string;
  claim: string;
  value: string;
  until: number;
}

/** Unfinished claims kept at most; beyond, the oldest are left to expire with their lock. */
const MAX_UNFINISHED = 10_000;
/** Unfinished claims sent at once when Redis is back. */
const FINISH_BATCH = 16;

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
  const claimDeadline = options.claimDeadline ?? (() => 0);
  options.redis.defineCommand('skicoIdempotencyClaim', { numberOfKeys: 1, lua: claimScript });
  const claimCommand = (options.redis as unknown as { skicoIdempotencyClaim: ClaimCommand }).skicoIdempotencyClaim.bind(
    options.redis,
  );
  options.redis.defineCommand('skicoIdempotencyFinish', { numberOfKeys: 1, lua: finishScript });
  const finishCommand = (
    options.redis as unknown as { skicoIdempotencyFinish: FinishCommand }
  ).skicoIdempotencyFinish.bind(options.redis);
  // Every Redis call goes through Redis's breaker.
  const redis = {
    finish: (item: Unfinished) =>
      options.breaker.run(() => finishCommand(item.id, item.claim, item.value, options.retentionSeconds)),
    claim: (key: string, value: string) =>
      options.breaker.run(() => claimCommand(key, value, options.lockSeconds, claimDeadline())),
    get: (key: string) => options.breaker.run(() => options.redis.get(key)),
  };

  // A request answered while Redis was unreachable leaves its claim in Redis: its key would answer 409
  // (in flight) until the lock expires. Its finish is sent again every second until Redis takes it.
  let unfinished: Unfinished[] = [];
  let finishing = false;
  const finishLater = async () => {
    if (finishing || unfinished.length === 0 || options.breaker.state() === 'open') return;
    finishing = true;
    const now = Date.now();
    const batch = unfinished.filter((u) => u.until > now);
    unfinished = [];
    const failed: Unfinished[] = [];
    // A few at a time, so that the backlog of an outage leaves the Redis bulkhead to the live requests.
    for (let i = 0; i < batch.length; i += FINISH_BATCH) {
      const chunk = batch.slice(i, i + FINISH_BATCH);
      await Promise.all(chunk.map((u) => redis.finish(u).catch(() => failed.push(u))));
    }
    unfinished = [...failed, ...unfinished].slice(-MAX_UNFINISHED);
    finishing = false;
  };
  setInterval(() => void finishLater(), 1_000).unref();

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
      const claim: IdempotencyRecord = { state: 'in-flight', fingerprint: print, claim: randomUUID() };
      const claimValue = JSON.stringify(claim);
      const until = () => Date.now() + options.lockSeconds * 1000;
      /** The record that finishes this claim: the answer when it is kept, else '' (deleted). */
      const recordOf = (response: StoredResponse) =>
        kept(response.status)
          ? JSON.stringify({
              state: 'done',
              fingerprint: print,
              status: response.status,
              headers: response.headers,
              body: response.body.toString('base64'),
            } satisfies IdempotencyRecord)
          : '';
      let claimed: number;
      // An open breaker refuses the claim without sending it: then there is no claim to finish.
      const sent = options.breaker.state() !== 'open';
      try {
        claimed = await redis.claim(id, claimValue);
        // Answered, yet too late by Redis's clock: the offset was off; run as if Redis had not answered.
        if (claimed === -1) throw new Error('the claim reached Redis after its deadline');
      } catch (err) {
        count('unguarded');
        options.log.warn(
          { requestId, err: (err as Error).message },
          'idempotency store unavailable; request runs unguarded, the service dedupes by the scoped key',
        );
        const response = await forward(scoped);
        // The claim may have reached Redis although its answer did not (the link failed in between): finish
        // it as if it had, in the background; the finish changes nothing unless the record is this claim.
        if (sent)
          void finish({ id, claim: claimValue, value: recordOf(response), until: until() }).catch(() => undefined);
        return { response, replayed: false };
      }
      if (claimed === 0) {
        const response = await existing(id, print);
        count('replayed');
        return { response, replayed: true };
      }

      let response: StoredResponse;
      try {
        response = await forward(scoped);
      } catch (err) {
        await finish({ id, claim: claimValue, value: '', until: until() }).catch(() => undefined);
        throw err;
      }
      const value = recordOf(response);
      await finish({ id, claim: claimValue, value, until: until() }).then(
        () => count(value ? 'stored' : 'released'),
        (err) => options.log.warn({ requestId, err: (err as Error).message }, 'idempotency record not saved'),
      );
      return { response, replayed: false };
    },
  };

  /** Finishes a claim now, or, when Redis cannot take it, every second until its lock expires. */
  async function finish(item: Unfinished): Promise<void> {
    try {
      await redis.finish(item);
    } catch (err) {
      unfinished.push(item);
      if (unfinished.length > MAX_UNFINISHED) unfinished.shift();
      throw err;
    }
  }

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
