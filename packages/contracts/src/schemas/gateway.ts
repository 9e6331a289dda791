import { z } from 'zod';
import { count } from '../fields.ts';

/** GET /statistics (course contract): latency per route template as measured at the gateway. */
export const statistics = z.object({
  endpointStats: z.array(
    z.object({
      URL: z.string().meta({ description: 'Route template, e.g. `/resorts/{resortID}/seasons`.' }),
      operation: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
      mean: count('Mean latency, ms.'),
      max: count('Maximum latency, ms.'),
    }),
  ),
});

const status = z.enum(['up', 'down']);

export const healthLive = z.object({ status: z.literal('up') });

/** /health/ready: 200 when every readiness check passes and the process is not draining, else 503. */
export const healthReady = z.object({
  status,
  draining: z.boolean(),
  checks: z.record(z.string(), z.object({ status, error: z.string().optional() })),
});

export const breakerState = z.enum(['closed', 'open', 'half-open']);

/** /health/deps: the state of every dependency of the gateway, and what the services report of theirs. */
export const healthDeps = z.object({
  status: z.enum(['up', 'degraded', 'down']),
  dependencies: z.record(
    z.string().meta({ description: 'Dependency name, e.g. `redis`, `resort`, `lift-ride.rabbitmq`.' }),
    z.looseObject({
      status: z.enum(['up', 'degraded', 'down']),
      breaker: breakerState.optional(),
      queueDepth: count('Messages waiting, for a queue.').optional(),
      inFlight: count('Calls in flight, for a bulkhead.').optional(),
      error: z.string().optional(),
    }),
  ),
});

/** /openapi.json: checked for its outline only. */
export const openApiDocumentShape = z.looseObject({
  openapi: z.string().startsWith('3.1'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export type Statistics = z.infer<typeof statistics>;
export type HealthDeps = z.infer<typeof healthDeps>;
