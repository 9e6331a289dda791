import { isAppError } from '@skico/errors';
import { Counter, type Registry } from '@skico/http';
import type { IdempotencyOutcome } from './middleware/idempotency.ts';
import { rateClassOf } from './middleware/rate-limit.ts';
import { operationOf } from './routes/api-routes.ts';
import type { GatewaySecurity } from './security-config.ts';

/** `skico_idempotency_total{outcome}`; returns the counting function the idempotency store takes. */
export function idempotencyMetrics(registry: Registry): (outcome: IdempotencyOutcome) => void {
  const counter = new Counter({
    name: 'skico_idempotency_total',
    help: 'Requests with an Idempotency-Key by outcome: stored, released (a transient answer, not kept), replayed, conflict (409 in flight), reused (422 other body), unguarded (Redis unavailable).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['stored', 'released', 'replayed', 'conflict', 'reused', 'unguarded'] as const)
    counter.inc({ outcome }, 0);
  return (outcome) => counter.inc({ outcome });
}

/**
 * `skico_rate_limited_total{class}`: the front door's rate limiter, wrapped so that each request it refuses
 * (429) is counted by class of traffic. Without a limiter (RATE_LIMIT_ENABLED=false) nothing changes.
 */
export function countRateLimited(registry: Registry, security: GatewaySecurity): GatewaySecurity {
  const limiter = security.rateLimiter;
  if (!limiter) return security;
  const counter = new Counter({
    name: 'skico_rate_limited_total',
    help: 'Requests refused with 429 by the rate limiter, by class of traffic (read, ride, write, admin).',
    labelNames: ['class'],
    registers: [registry],
  });
  for (const cls of ['read', 'ride', 'write', 'admin'] as const) counter.inc({ class: cls }, 0);
  return {
    ...security,
    rateLimiter: {
      ...limiter,
      handle: (req, res, next) => {
        try {
          limiter.handle(req, res, next);
        } catch (err) {
          if (isAppError(err) && err.kind === 'rate-limited') {
            const match = operationOf(req);
            counter.inc({ class: match ? rateClassOf(match.operation) : 'unknown' });
          }
          throw err;
        }
      },
    },
  };
}
