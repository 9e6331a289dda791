// One message as a batch handler sees it, and what the handler decides for it.

/** What a handler decides for one message; only this adapter turns it into ack or nack. */
export type Outcome = 'ack' | 'retry' | 'reject';

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
