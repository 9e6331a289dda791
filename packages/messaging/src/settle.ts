import type { Logger } from '@skico/log';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { Outcome, Verdict } from './delivery.ts';
import { countFailure } from './failure-count.ts';
import { type SplitOptions, settleSplit } from './split-delivery.ts';

/** A delivery in the consumer's hands: its channel (acks go to the channel it came on) and message. */
export interface Held {
  channel: ConfirmChannel;
  message: ConsumeMessage;
  /** Its share of a batch (weightOf), at least 1. */
  weight: number;
}

/** `upTo`: an ack that settles every earlier unsettled delivery of the channel too (AMQP `multiple`). */
export function settle(item: Held, outcome: Verdict | 'return', log: Logger, upTo = false) {
  try {
    if (outcome === 'ack') item.channel.ack(item.message, upTo);
    else item.channel.nack(item.message, false, outcome !== 'reject');
  } catch (err) {
    // The channel closed: the broker redelivers the message, and the natural key keeps the effect single.
    log.debug({ err }, 'settle failed');
  }
}

/**
 * Settles a batch. A batch acked whole on one channel takes one ack with `multiple`: batches run one at a
 * time in delivery order, so every earlier delivery of that channel is settled already, and the broker
 * is spared a frame per message. A failed message is counted (countFailure), a split one settled once its
 * parts are published (settleSplit); they are settled one after the other, as their publishes share the
 * channel's confirms.
 */
export async function settleAll(batch: Held[], outcomes: Outcome[], options: SplitOptions) {
  const last = batch.at(-1);
  if (last && outcomes.every((o) => o === 'ack') && batch.every((item) => item.channel === last.channel)) {
    settle(last, 'ack', options.log, true);
    return;
  }
  for (const [i, item] of batch.entries()) {
    const outcome = outcomes[i] as Outcome;
    if (typeof outcome !== 'string') settle(item, await settleSplit(item, outcome.split, options), options.log);
    else if (outcome === 'retry') settle(item, await countFailure(item, options), options.log);
    else settle(item, outcome, options.log);
  }
}
