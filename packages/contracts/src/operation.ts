import type { z } from 'zod';
import { PROBLEM_CONTENT_TYPE, problem } from './schemas/problem.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type OwningService = 'resort' | 'skier' | 'lift-ride' | 'gateway';
export type AuthRule = 'none' | 'admin' | 'owner-or-admin';

/** Response headers documented in components.headers. */
export type ResponseHeader =
  | 'X-Request-Id'
  | 'Retry-After'
  | 'RateLimit-Limit'
  | 'RateLimit-Remaining'
  | 'RateLimit-Reset'
  | 'Idempotent-Replayed'
  | 'Location'
  | 'ETag'
  | 'Cache-Control';

/** Request headers documented in components.parameters, beyond those every route takes. */
export type RequestHeader = 'Idempotency-Key' | 'If-None-Match';

export interface ResponseSpec {
  description: string;
  /** Validates the body; absent for answers without one (204, 304). */
  schema?: z.ZodType;
  /** Defaults to application/json, or application/problem+json for 4xx and 5xx. */
  contentType?: string;
  headers?: ResponseHeader[];
}

export interface Operation {
  operationId: string;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/resorts/{resortID}/seasons`; also the route label in /statistics. */
  path: string;
  service: OwningService;
  auth: AuthRule;
  summary: string;
  description?: string;
  tags: string[];
  /** Part of the course contract, which must stay compatible field for field. */
  courseContract: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  requestHeaders: RequestHeader[];
  responses: Record<number, ResponseSpec>;
  /** Safe to retry as is (GET, PUT, DELETE). A POST is retried only when it carries an Idempotency-Key. */
  idempotent: boolean;
  /** Counted by the gateway's rate limiter (answers carry RateLimit-* headers and may be 429). */
  rateLimited: boolean;
  /** Answers may be cached by clients and the gateway for this long. */
  cacheMaxAgeSeconds?: number;
}

export type OperationSpec = Omit<Operation, 'idempotent' | 'rateLimited' | 'requestHeaders' | 'courseContract'> &
  Partial<Pick<Operation, 'rateLimited' | 'requestHeaders' | 'courseContract'>>;

const problemResponse = (description: string, headers?: ResponseHeader[]): ResponseSpec => ({
  description,
  schema: problem,
  contentType: PROBLEM_CONTENT_TYPE,
  ...(headers ? { headers } : {}),
});

function standardErrors(spec: OperationSpec, rateLimited: boolean): Record<number, ResponseSpec> {
  const errors: Record<number, ResponseSpec> = {};
  // Every route: a malformed control header or a request over one of the gateway's limits is 400.
  errors[400] = problemResponse(
    spec.params || spec.query || spec.body
      ? 'Malformed parameters, body or headers, or a request over a limit (JSON depth, query parameters).'
      : 'Malformed headers, or a request over a limit (query parameters).',
  );
  if (spec.auth !== 'none') {
    errors[401] = problemResponse('Missing, expired or invalid bearer token.');
    errors[403] = problemResponse(
      spec.auth === 'admin' ? 'The token lacks the admin role.' : 'The token is neither the owner’s nor an admin’s.',
    );
  }
  if (spec.method === 'POST') {
    errors[409] = problemResponse('A request with the same Idempotency-Key is still in flight, or a conflict.');
    errors[422] = problemResponse('The Idempotency-Key was used before with a different body.');
  }
  if (spec.body) errors[413] = problemResponse('The body exceeds the size limit.');
  errors[414] = problemResponse('The URL exceeds the length limit.');
  errors[431] = problemResponse('The request line and headers exceed the size limit.');
  if (rateLimited) {
    errors[429] = problemResponse('Rate limit exceeded.', [
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ]);
  }
  if (spec.service !== 'gateway') {
    errors[503] = problemResponse('The owning service or one of its dependencies is unavailable.', ['Retry-After']);
    errors[504] = problemResponse('The request deadline expired before the owning service answered.');
  }
  return errors;
}

const rateLimitHeaders: ResponseHeader[] = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'];

/** On a rate-limited route every answer that got past the limiter tells the client its remaining budget. */
function withRateLimitHeaders(responses: Record<number, ResponseSpec>, rateLimited: boolean) {
  if (!rateLimited) return responses;
  return Object.fromEntries(
    Object.entries(responses).map(([status, spec]) => [
      status,
      Number(status) < 400 ? { ...spec, headers: [...(spec.headers ?? []), ...rateLimitHeaders] } : spec,
    ]),
  );
}

/** Completes an operation: the error answers every route of its kind has, and the retry and rate-limit flags. */
export function defineOperation(spec: OperationSpec): Operation {
  const rateLimited = spec.rateLimited ?? true;
  return {
    ...spec,
    courseContract: spec.courseContract ?? false,
    requestHeaders: [...(spec.method === 'POST' ? (['Idempotency-Key'] as const) : []), ...(spec.requestHeaders ?? [])],
    idempotent: spec.method !== 'POST',
    rateLimited,
    responses: { ...standardErrors(spec, rateLimited), ...withRateLimitHeaders(spec.responses, rateLimited) },
  };
}

/** A problem+json answer for an operation-specific error status. */
export const problemAnswer = (description: string): ResponseSpec => problemResponse(description);
