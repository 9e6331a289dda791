import type { ConsumeMessage } from 'amqplib';
import type { Delivery } from './delivery.ts';

// How a batch consumer reads its messages' headers and cuts its batches.

/** The publish time of a message: the publisher's millisecond header, else the AMQP timestamp (seconds). */
export function publishedAt(message: ConsumeMessage): number | undefined {
  const stamped = Number(message.properties.headers?.['x-published-at']);
  if (Number.isFinite(stamped) && stamped > 0) return stamped;
  const seconds = message.properties.timestamp as number | undefined;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

/** The request ids a batch's messages carry (the API's `x-request-id` header), at most 20, for its log lines. */
export function requestIdsOf(deliveries: Delivery[], limit = 20): string[] {
  const ids: string[] = [];
  for (const d of deliveries) {
    const id = d.headers['x-request-id'];
    if (typeof id === 'string') ids.push(id);
    if (ids.length >= limit) break;
  }
  return ids;
}

/** The weight of a message as the option says, or 1 when it says nothing usable. */
export function weigh(
  weightOf: ((headers: Record<string, unknown>) => number) | undefined,
  message: ConsumeMessage,
): number {
  if (!weightOf) return 1;
  const weight = weightOf((message.properties.headers ?? {}) as Record<string, unknown>);
  return Number.isFinite(weight) && weight >= 1 ? weight : 1;
}

/** How many of the first items make a batch: as many as fit in `batchSize`, and at least one. */
export function batchLength(weights: number[], batchSize: number): number {
  let total = 0;
  let length = 0;
  for (const weight of weights) {
    if (length > 0 && total + weight > batchSize) break;
    total += weight;
    length += 1;
  }
  return length;
}
