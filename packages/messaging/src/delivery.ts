// One message as a batch handler sees it, and what the handler decides for it.

/** What a handler decides for a message as a whole: done, failed (tried again), or refused (dead-lettered). */
export type Verdict = 'ack' | 'retry' | 'reject';

/**
 * A piece of a message that goes on as a message of its own, the rest of the message being done: tried
 * again ('retry', with the message's failure count + 1) or dead-lettered at once with its reason ('reject').
 */
export interface Part {
  body: Buffer;
  messageId: string | undefined;
  outcome: 'retry' | 'reject';
  /** Why this part did not go through: logged, and kept with a dead-lettered part. */
  reason: string;
  /** Headers of the new message, over those of the original (which lose the broker's own). */
  headers?: Record<string, unknown>;
}

/** Part of a message is done and the other parts go on as messages of their own. */
export interface Split {
  split: Part[];
}

/** What a handler decides for one message; only this adapter turns it into ack, nack or publishes. */
export type Outcome = Verdict | Split;

/** The name of an outcome, for spans, logs and metrics. */
export type OutcomeName = Verdict | 'split';

export const outcomeName = (outcome: Outcome): OutcomeName => (typeof outcome === 'string' ? outcome : 'split');

export interface Delivery {
  body: Buffer;
  messageId: string | undefined;
  headers: Record<string, unknown>;
  /** How many times the broker delivered it before (quorum queues count returns). */
  deliveryCount: number;
  /** How many times processing it failed before (counted by this consumer, in a header of its own). */
  failures?: number;
  /** When it was published (ms since the epoch), when the publisher stamped it. */
  publishedAt: number | undefined;
}
