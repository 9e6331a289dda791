import type { LiftRideRecordedV1 } from '@skico/contracts';
import { DependencyUnavailable, isDependencyUnavailable } from '@skico/errors';
import type { Logger } from '@skico/log';
import type { Publisher } from '@skico/messaging';
import type { Breaker } from '@skico/resilience';
import type { PersistRides } from './persist-rides.ts';
import { type Ride, rideKey } from './ride.ts';

/** What became of a ride's publish: confirmed by the broker, failed, or written by the fallback instead. */
export type PublishOutcome = 'confirmed' | 'failed' | 'fallback';

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
  log: Logger;
  /** Counts publish outcomes (metrics). */
  count?: (outcome: PublishOutcome) => void;
}

export interface AcceptContext {
  idempotencyKey?: string;
  requestId?: string;
  /** Milliseconds left of the caller's budget. */
  budgetMs: number;
}

/**
 * Makes a ride durable before it is acknowledged: confirmed by the broker (persistent message, quorum
 * queue), or else committed to Postgres by the synchronous fallback. Never answers for a ride that is
 * neither. @throws DependencyUnavailable (503) when both paths fail, DeadlineExceeded (504) when the
 * caller's budget runs out first.
 */
export async function acceptRide(deps: AcceptDeps, ride: Ride, context: AcceptContext): Promise<'queued' | 'written'> {
  const message: LiftRideRecordedV1 = {
    type: 'lift-ride.recorded',
    schemaVersion: 1,
    ride,
    requestId: context.requestId,
    acceptedAt: new Date().toISOString(),
  };
  const started = Date.now();
  try {
    await deps.rabbitmq.run(
      () =>
        deps.publisher.publish(message, {
          messageId: context.idempotencyKey ?? rideKey(ride),
          headers: context.requestId ? { 'x-request-id': context.requestId } : undefined,
          timeoutMs: deps.publishTimeoutMs,
        }),
      // When the caller's budget is the shorter, the breaker ends the publish at it (its timeout is then the
      // caller's, not the broker's); otherwise the publisher's own timeout comes first.
      { timeoutMs: deps.publishTimeoutMs + 50, budgetMs: context.budgetMs },
    );
    deps.count?.('confirmed');
    return 'queued';
  } catch (err) {
    if (!isDependencyUnavailable(err)) throw err;
    deps.count?.('failed');
    deps.log.warn(
      { requestId: context.requestId, reason: err.reason, cause: (err.cause as Error)?.message },
      'publish failed; writing the ride directly',
    );
    if (!deps.fallbackEnabled)
      throw new DependencyUnavailable('rabbitmq', 'failed', { cause: err, retryAfterSeconds: 1 });
  }
  const left = context.budgetMs - (Date.now() - started);
  await deps.fallback.run(() => deps.persist([ride], { timeoutMs: left }), { budgetMs: left });
  deps.count?.('fallback');
  return 'written';
}
