import type { RecordedRide } from '@skico/contracts';
import { isDependencyUnavailable } from '@skico/errors';
import type { Logger } from '@skico/log';
import { type Delivery, HoldBatch, type Outcome, type Part } from '@skico/messaging';
import { isolateFailures } from './isolate-failures.ts';
import type { PersistRides } from './persist-rides.ts';
import { rideKey } from './ride.ts';
import { type ReadMessage, readRideMessage, ridePart } from './ride-message.ts';

export interface PersistBatchDeps {
  persist: PersistRides;
  log: Logger;
}

/** A ride and the delivery that carried it. */
interface Carried {
  ride: RecordedRide;
  index: number;
}

const headerRequestId = (delivery: Delivery) => {
  const id = delivery.headers['x-request-id'];
  return typeof id === 'string' ? id : undefined;
};

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The worker's step, for messages of either version: a message that is not a lift-ride message is
 * rejected whole (straight to the dead-letter queue); the valid rides of every message are written in one
 * statement, and the worker acks after commit. Postgres unavailable: the batch is held. A statement that
 * fails for its content is split in halves until the rides at fault stand alone (isolateFailures), so that
 * their neighbours go through. What becomes of a message: 'ack' when all its rides went through; 'retry'
 * when none did (it is counted and dead-lettered at the delivery limit, as a whole); otherwise a split,
 * each failed ride going on as a message of its own with the message's failure count, and each invalid
 * ride dead-lettered alone with its reason.
 */
export async function persistBatch(deps: PersistBatchDeps, batch: Delivery[]): Promise<Outcome[]> {
  const messages = batch.map(readRideMessage);
  const carried: Carried[] = [];
  messages.forEach((message, index) => {
    const delivery = batch[index] as Delivery;
    if (!message.ok) {
      deps.log
        .child({ requestId: headerRequestId(delivery), messageId: delivery.messageId })
        .warn({ reason: message.reason }, 'invalid message rejected to the dead-letter queue');
      return;
    }
    for (const ride of message.rides) carried.push({ ride, index });
  });

  const failed = await isolateFailures(carried, async (rides) => {
    try {
      // Invalidation is part of the write here: a failed one holds the batch, whose ack is not given yet.
      await deps.persist(
        rides.map((c) => c.ride),
        { invalidation: 'required' },
      );
      return undefined;
    } catch (err) {
      if (isDependencyUnavailable(err)) throw new HoldBatch('postgres unavailable', { cause: err });
      return err ?? new Error('write failed');
    }
  });
  // Off the hot path unless asked for: one line per batch, with the request ids of its rides.
  if (deps.log.isLevelEnabled('debug')) {
    const requestIds = carried.flatMap((c) => (c.ride.requestId === undefined ? [] : [c.ride.requestId]));
    deps.log.debug({ rides: carried.length - failed.length, failed: failed.length, requestIds }, 'batch written');
  }
  const failedBy = new Map<number, { ride: RecordedRide; error: unknown }[]>();
  for (const { item, error } of failed) {
    failedBy.set(item.index, [...(failedBy.get(item.index) ?? []), { ride: item.ride, error }]);
  }
  return messages.map((message, index) =>
    outcomeOf(deps.log, batch[index] as Delivery, message, failedBy.get(index) ?? []),
  );
}

/** What becomes of one message, given which of its rides failed; logs a line per ride that goes on alone. */
function outcomeOf(
  log: Logger,
  delivery: Delivery,
  message: ReadMessage,
  failed: { ride: RecordedRide; error: unknown }[],
): Outcome {
  if (!message.ok) return 'reject';
  const messageId = delivery.messageId ?? 'message';
  const dead: Part[] = message.invalid.map(({ ride, reason }, i) => {
    const part = ridePart(ride, {
      outcome: 'reject',
      reason,
      acceptedAt: message.acceptedAt,
      messageId: `${messageId}#${i + 1}`,
    });
    log
      .child({ requestId: part.headers?.['x-request-id'], rideKey: part.messageId, messageId: delivery.messageId })
      .warn({ reason }, 'invalid ride dead-lettered');
    return part;
  });
  if (failed.length === 0) return dead.length === 0 ? 'ack' : { split: dead };
  if (failed.length === message.rides.length && dead.length === 0) {
    log
      .child({
        requestId: message.rides[0]?.requestId ?? headerRequestId(delivery),
        messageId: delivery.messageId,
        deliveryCount: delivery.deliveryCount,
      })
      .warn({ err: failed[0]?.error, rides: failed.length }, 'message failed; it is retried up to the delivery limit');
    return 'retry';
  }
  const retried = failed.map(({ ride, error }) => {
    log
      .child({ requestId: ride.requestId, rideKey: rideKey(ride), messageId: delivery.messageId })
      .warn({ err: error }, 'ride failed; it goes on in a message of its own, retried up to the delivery limit');
    return ridePart(ride, { outcome: 'retry', reason: reasonOf(error), acceptedAt: message.acceptedAt, messageId });
  });
  return { split: [...dead, ...retried] };
}
