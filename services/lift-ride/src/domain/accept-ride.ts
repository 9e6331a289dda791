import { randomUUID } from 'node:crypto';
import { liftRideMessage, type RecordedRide } from '@skico/contracts';
import { DependencyUnavailable, isDependencyUnavailable } from '@skico/errors';
import type { Logger } from '@skico/log';
import { createGroupCommit, type Publisher, type PublishOptions } from '@skico/messaging';
import { type Breaker, DeadlineExceeded } from '@skico/resilience';
import type { PersistRides } from './persist-rides.ts';
import { type Ride, rideKey } from './ride.ts';

/** What became of a ride's publish: confirmed by the broker, failed, or written by the fallback instead. */
export type PublishOutcome = 'confirmed' | 'failed' | 'fallback';

/** What the acceptance reports for metrics: every ride's outcome, and each confirmed message. */
export interface AcceptMetrics {
  rides: (outcome: PublishOutcome, count: number) => void;
  confirmed: (rides: number, seconds: number) => void;
}

export interface AcceptDeps {
  publisher: Publisher;
  /** Guards the publish: once the broker misbehaves, rides go straight to the fallback. */
  rabbitmq: Breaker;
  /** The direct write of the fallback. */
  persist: PersistRides;
  /** The synchronous fallback's own bulkhead, so that a broker outage cannot take every connection. */
  fallback: Breaker;
  fallbackEnabled: boolean;
  publishTimeoutMs: number;
  /**
   * The time a fallback write may take (its breaker's timeout): a message's confirm wait leaves it to its
   * oldest ride. 0: none is left.
   */
  fallbackMs?: number;
  /** Group commit: rides per message and bytes per message at most, messages awaiting a confirm at most. */
  group: { maxRides: number; maxBytes: number; maxInFlight: number };
  log: Logger;
  metrics?: AcceptMetrics;
}

export interface AcceptContext {
  idempotencyKey?: string;
  requestId?: string;
  /** Milliseconds left of the caller's budget. */
  budgetMs: number;
}

/** Makes a ride durable (`createAcceptRide`); resolves once it is, with how. */
export type AcceptRide = (ride: Ride, context: AcceptContext) => Promise<'queued' | 'written'>;

interface Member {
  ride: RecordedRide;
  /** When the caller's budget ends (ms since the epoch). */
  deadline: number;
}

/** The header that says how many rides a message carries: the worker batches by rides, not by messages. */
export const RIDES_HEADER = 'skico-rides';

/** Below this, no publish finishes: the ride is refused at once rather than queued for nothing. */
const MIN_BUDGET_MS = 10;
/** The shortest confirm wait: a broker under load confirms within tens of ms. */
const MIN_CONFIRM_MS = 50;

/**
 * An upper bound of a ride's bytes in a message: every field at its widest, plus its request id. A bound
 * instead of the exact size, so that a ride is not serialized twice.
 */
const sizeOf = (member: Member) => 160 + (member.ride.requestId?.length ?? 0);

/**
 * The ride acceptance, by group commit (DESIGN §5): a ride is durable before it is acknowledged, confirmed
 * by the broker (persistent message, quorum queue) or else committed to Postgres by the fallback. At low
 * load a ride leaves at once, in a message of its own; under load, the rides that arrive while earlier
 * messages await their confirms leave together in one message, so that one confirm covers them all. A
 * message that the broker does not confirm sends all of its rides to the fallback, in one write.
 * Never answers for a ride that is neither confirmed nor committed.
 */
export function createAcceptRide(deps: AcceptDeps): AcceptRide {
  const groups = createGroupCommit<Member, 'queued' | 'written'>({
    send: (members, contexts) => sendRides(deps, members, contexts),
    maxItems: deps.group.maxRides,
    maxBytes: deps.group.maxBytes,
    maxInFlight: deps.group.maxInFlight,
    sizeOf,
  });
  return (ride, context) => {
    if (context.budgetMs < MIN_BUDGET_MS) return Promise.reject(new DeadlineExceeded('rabbitmq'));
    const member = { ride: { ...ride, requestId: context.requestId }, deadline: Date.now() + context.budgetMs };
    return withinBudget(groups.add(member), context.budgetMs);
  };
}

/**
 * Waits for a ride's message at most as long as the caller's budget: its neighbours may allow more.
 * @throws DeadlineExceeded (504) when the budget runs out first; the ride may still be confirmed later.
 */
function withinBudget<T>(work: Promise<T>, budgetMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new DeadlineExceeded('rabbitmq')), budgetMs);
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Publishes one message holding `members` and waits for its confirm; when the broker cannot confirm it,
 * writes them all directly. The time allowed is the longest budget of its rides: each ride's own wait is
 * cut at its own budget by `withinBudget`.
 * @throws DependencyUnavailable (503) when both paths fail, DeadlineExceeded (504) when every ride's budget
 * ran out first.
 */
async function sendRides(
  deps: AcceptDeps,
  members: Member[],
  carrying: PublishOptions['carrying'],
): Promise<'queued' | 'written'> {
  const started = Date.now();
  const budgetMs = Math.max(...members.map((m) => m.deadline)) - started;
  // A ride may have waited for earlier messages' confirms (a whole PUBLISH_TIMEOUT_MS when the broker went
  // silent): the confirm wait of its own message then leaves it the time of a fallback write, so that the
  // broker's silence costs it the fallback and not its deadline (a 504, which the gateway counts against the
  // whole service). With the whole budget ahead, the wait is the publish timeout.
  const oldestLeft = Math.min(...members.map((m) => m.deadline)) - started;
  const confirmMs = deps.fallbackEnabled
    ? Math.max(MIN_CONFIRM_MS, Math.min(deps.publishTimeoutMs, oldestLeft - (deps.fallbackMs ?? 0)))
    : deps.publishTimeoutMs;
  const rides = members.map((m) => m.ride);
  const single = rides.length === 1 ? rides[0] : undefined;
  try {
    await deps.rabbitmq.run(
      () =>
        deps.publisher.publish(liftRideMessage(rides), {
          // A message of one ride is named by the ride; the worker relies on the natural keys, not on this.
          messageId: single ? rideKey(single) : `rides-${randomUUID()}`,
          headers: {
            [RIDES_HEADER]: rides.length,
            ...(single?.requestId ? { 'x-request-id': single.requestId } : undefined),
          },
          timeoutMs: confirmMs,
          carrying,
        }),
      // When the callers' budget is the shorter, the breaker ends the publish at it (its timeout is then the
      // callers', not the broker's); otherwise the publisher's own timeout comes first.
      { timeoutMs: confirmMs + 50, budgetMs },
    );
    deps.metrics?.confirmed(rides.length, (Date.now() - started) / 1000);
    deps.metrics?.rides('confirmed', rides.length);
    return 'queued';
  } catch (err) {
    if (!isDependencyUnavailable(err)) throw err;
    deps.metrics?.rides('failed', rides.length);
    deps.log.warn(
      { requestIds: rides.slice(0, 20).map((r) => r.requestId), rides: rides.length, reason: err.reason },
      'publish failed; writing its rides directly',
    );
    if (!deps.fallbackEnabled)
      throw new DependencyUnavailable('rabbitmq', 'failed', { cause: err, retryAfterSeconds: 1 });
  }
  const left = budgetMs - (Date.now() - started);
  await deps.fallback.run(() => deps.persist(rides.map(withoutRequestId), { timeoutMs: left }), { budgetMs: left });
  deps.metrics?.rides('fallback', rides.length);
  return 'written';
}

const withoutRequestId = ({ requestId: _id, ...ride }: RecordedRide): Ride => ride;
