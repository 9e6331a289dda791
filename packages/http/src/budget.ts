import type { IncomingMessage } from 'node:http';
import { headerOf } from './stages.ts';

/** The budget a service gives a request when its caller did not say (a direct call, not via the gateway). */
export const DEFAULT_BUDGET_MS = 2_000;

/**
 * Milliseconds left of the caller's budget, from the Request-Timeout header the gateway forwards, measured
 * from when this request arrived. Outbound calls size their timeouts from it.
 */
export function requestBudget(req: IncomingMessage, fallbackMs = DEFAULT_BUDGET_MS): number {
  const header = Number(headerOf(req, 'request-timeout'));
  const budget = Number.isInteger(header) && header > 0 && header <= 60_000 ? header : fallbackMs;
  const arrived = req.arrivedAt ?? Date.now();
  return Math.max(0, budget - (Date.now() - arrived));
}
