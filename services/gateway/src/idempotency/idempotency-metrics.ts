import { Counter, type Registry } from '@skico/http';
import type { IdempotencyOutcome } from './idempotency.ts';

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
