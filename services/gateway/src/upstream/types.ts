import type { OwningService } from '@skico/contracts';

/** The services behind the gateway, each reached through its own pool, breaker and bulkheads. */
export type UpstreamName = Exclude<OwningService, 'gateway'>;

/** Reads and writes to an upstream have a bulkhead each, so that a surge of one cannot starve the other. */
export type TrafficClass = 'read' | 'write';

/** An upstream's answer as the gateway keeps it: fully read, with only the headers a client may see. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** When the answer is due: `by` for this request, `ownBy` by the gateway's own budget (REQUEST_TIMEOUT_MS). */
export interface AnswerDue {
  by: number;
  ownBy: number;
}
