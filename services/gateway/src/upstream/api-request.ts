import type { IncomingMessage } from 'node:http';
import { type OperationMatch, operationFor } from '@skico/contracts';
import { type DirectRequest, pathOf } from '@skico/http';

/** A request to the API: served directly, with the contract operation it is for once matched (null: none). */
export type ApiRequest = DirectRequest & { operation?: OperationMatch | null };

/** The contract operation of a request (HEAD is served as GET), matched once and kept on the request. */
export function operationOf(req: IncomingMessage): OperationMatch | undefined {
  const r = req as IncomingMessage & { operation?: OperationMatch | null };
  if (r.operation === undefined) {
    r.operation = operationFor(req.method, pathOf(req)) ?? null;
  }
  return r.operation ?? undefined;
}
