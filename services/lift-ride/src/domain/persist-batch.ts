import { liftRideRecordedV1 } from '@skico/contracts';
import { isDependencyUnavailable } from '@skico/errors';
import type { Logger } from '@skico/log';
import { type Delivery, HoldBatch, type Outcome, requestIdsOf } from '@skico/messaging';
import type { PersistRides } from './persist-rides.ts';
import type { Ride } from './ride.ts';

function parse(delivery: Delivery): Ride | string {
  let json: unknown;
  try {
    json = JSON.parse(delivery.body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  const result = liftRideRecordedV1.safeParse(json);
  if (!result.success) return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  return result.data.ride;
}

/** A logger for one message's own lines, carrying the request id the API stamped on it. */
function messageLog(log: Logger, delivery: Delivery | undefined): Logger {
  const requestId = delivery?.headers['x-request-id'];
  return log.child({
    requestId: typeof requestId === 'string' ? requestId : undefined,
    messageId: delivery?.messageId,
    deliveryCount: delivery?.deliveryCount,
  });
}

export interface PersistBatchDeps {
  persist: PersistRides;
  log: Logger;
}

/**
 * The worker's step: validate every message (invalid ones are rejected, straight to the dead-letter
 * queue), persist the valid ones in one transaction, and ack after commit. Postgres unavailable: hold the
 * batch. A statement that fails for one message: persist the messages one by one so that only the message
 * at fault is retried (and dead-lettered at the delivery limit) while the others go through.
 */
export async function persistBatch(deps: PersistBatchDeps, batch: Delivery[]): Promise<Outcome[]> {
  const persistOrHold = async (rides: Ride[]) => {
    try {
      // Invalidation is part of the write here: a failed one holds the batch, whose ack is not given yet.
      await deps.persist(rides, { invalidation: 'required' });
      return undefined;
    } catch (err) {
      if (isDependencyUnavailable(err)) throw new HoldBatch('postgres unavailable', { cause: err });
      return err;
    }
  };

  const outcomes: Outcome[] = [];
  const valid: { index: number; ride: Ride }[] = [];
  batch.forEach((delivery, index) => {
    const parsed = parse(delivery);
    if (typeof parsed === 'string') {
      messageLog(deps.log, delivery).warn({ reason: parsed }, 'invalid message rejected to the dead-letter queue');
      outcomes[index] = 'reject';
    } else valid.push({ index, ride: parsed });
  });
  if (valid.length === 0) return outcomes;

  const failure = await persistOrHold(valid.map((v) => v.ride));
  if (failure === undefined) {
    for (const v of valid) outcomes[v.index] = 'ack';
    // Off the hot path unless asked for: one line per batch, with the request ids it carried.
    if (deps.log.isLevelEnabled('debug')) {
      deps.log.debug({ rides: valid.length, requestIds: requestIdsOf(batch, batch.length) }, 'batch written');
    }
    return outcomes;
  }
  for (const v of valid) {
    const error = await persistOrHold([v.ride]);
    outcomes[v.index] = error === undefined ? 'ack' : 'retry';
    if (error !== undefined) {
      messageLog(deps.log, batch[v.index]).warn(
        { err: error },
        'message failed; it is retried up to the delivery limit',
      );
    }
  }
  return outcomes;
}
