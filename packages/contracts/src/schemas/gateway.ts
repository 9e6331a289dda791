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

const upState = z.enum(['up', 'degraded', 'down']);

/** /status.json: what the status page shows, gathered from every process's /health/deps and the gateway. */
export const statusReport = z.object({
  status: upState,
  generatedAt: z.iso.datetime().meta({ description: 'When the gateway gathered this report.' }),
  processes: z.array(
    z.object({
      name: z
        .string()
        .meta({ description: 'Process name: `gateway`, `resort`, `skier`, `lift-ride`, `lift-ride-worker`.' }),
      status: upState,
      error: z.string().optional().meta({ description: 'Why the process could not be asked, when it could not.' }),
      dependencies: healthDeps.shape.dependencies,
    }),
  ),
  traffic: z.object({
    windowSeconds: count('The recent window the rates and latencies cover.'),
    requestsPerSecond: z.number().min(0).meta({ description: 'API requests per second through the gateway.' }),
    meanMs: count('Mean latency, ms.'),
    maxMs: count('Maximum latency, ms.'),
    inFlight: count('Requests in progress at the gateway.').optional(),
    routes: z.array(
      z.object({
        URL: z.string(),
        operation: z.enum(['GET', 'POST', 'PUT', 'DELETE']),
        requestsPerSecond: z.number().min(0),
        mean: count('Mean latency, ms.'),
        max: count('Maximum latency, ms.'),
      }),
    ),
  }),
});

/** /openapi.json: checked for its outline only. */
export const openApiDocumentShape = z.looseObject({
  openapi: z.string().startsWith('3.1'),
  info: z.looseObject({ title: z.string(), version: z.string() }),
  paths: z.record(z.string(), z.unknown()),
});

export type Statistics = z.infer<typeof statistics>;
export type HealthDeps = z.infer<typeof healthDeps>;
export type StatusReport = z.infer<typeof statusReport>;
