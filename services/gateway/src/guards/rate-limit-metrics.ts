import { isAppError } from '@skico/errors';
import { Counter, type Registry } from '@skico/http';
import { operationOf } from '../upstream/api-request.ts';
import { type RateLimiter, rateClassOf } from './rate-limit.ts';

/**
 * `skico_rate_limited_total{class}`: the rate limiter, wrapped so that each request it refuses (429) is
 * counted by class of traffic.
 */
export function countRateLimited(registry: Registry, limiter: RateLimiter): RateLimiter {
  const counter = new Counter({
    name: 'skico_rate_limited_total',
    help: 'Requests refused with 429 by the rate limiter, by class of traffic (read, ride, write, admin).',
    labelNames: ['class'],
    registers: [registry],
  });
  for (const cls of ['read', 'ride', 'write', 'admin'] as const) counter.inc({ class: cls }, 0);
  return {
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
  };
}
