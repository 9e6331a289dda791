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

/**
 * What an operation's author states. The type parameters keep the id, the owning service, the path template
 * and the input schemas as written, so that handlers and path builders are typed by them.
 */
interface OperationFields<
  Id extends string,
  Service extends OwningService,
  Path extends string,
  Params extends z.ZodObject | undefined,
  Query extends z.ZodObject | undefined,
  Body extends z.ZodType | undefined,
> {
  operationId: Id;
  method: HttpMethod;
  /** OpenAPI path template, e.g. `/resorts/{resortID}/seasons`; also the route label in /statistics. */
  path: Path;
  service: Service;
  auth: AuthRule;
  summary: string;
  description?: string;
  tags: string[];
  params?: Params;
  query?: Query;
  body?: Body;
  responses: Record<number, ResponseSpec>;
  /** Answers may be cached by clients and the gateway for this long. */
  cacheMaxAgeSeconds?: number;
}

/** An operation of the contract, as `defineOperation` completes it. */
export interface Operation<
  Id extends string = string,
  Service extends OwningService = OwningService,
  Path extends string = string,
  Params extends z.ZodObject | undefined = z.ZodObject | undefined,
  Query extends z.ZodObject | undefined = z.ZodObject | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
> extends OperationFields<Id, Service, Path, Params, Query, Body> {
  /** Part of the course contract, which must stay compatible field for field. */
  courseContract: boolean;
  /**
   * Served to other services only: the gateway does not forward it and the OpenAPI document does not list
   * it, so it is absent from `operations` and present in `operationsOf` its service.
   */
  internal: boolean;
  requestHeaders: RequestHeader[];
  /** Safe to retry as is (GET, PUT, DELETE). A POST is retried only when it carries an Idempotency-Key. */
  idempotent: boolean;
  /** Counted by the gateway's rate limiter (answers carry RateLimit-* headers and may be 429). */
  rateLimited: boolean;
}

export interface OperationSpec<
  Id extends string = string,
  Service extends OwningService = OwningService,
  Path extends string = string,
  Params extends z.ZodObject | undefined = z.ZodObject | undefined,
  Query extends z.ZodObject | undefined = z.ZodObject | undefined,
  Body extends z.ZodType | undefined = z.ZodType | undefined,
> extends OperationFields<Id, Service, Path, Params, Query, Body> {
  courseContract?: boolean;
  internal?: boolean;
  requestHeaders?: RequestHeader[];
  rateLimited?: boolean;
}

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

/**
 * Completes an operation: the error answers every route of its kind has, and the retry and rate-limit flags.
 * The id, service, path and input schemas keep their literal types (see `OperationOf`).
 */
export function defineOperation<
  const Id extends string,
  const Service extends OwningService,
  const Path extends string,
  Params extends z.ZodObject | undefined = undefined,
  Query extends z.ZodObject | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
>(spec: OperationSpec<Id, Service, Path, Params, Query, Body>): Operation<Id, Service, Path, Params, Query, Body> {
  const rateLimited = spec.rateLimited ?? true;
  return {
    ...spec,
    courseContract: spec.courseContract ?? false,
    internal: spec.internal ?? false,
    requestHeaders: [...(spec.method === 'POST' ? (['Idempotency-Key'] as const) : []), ...(spec.requestHeaders ?? [])],
    idempotent: spec.method !== 'POST',
    rateLimited,
    responses: { ...standardErrors(spec, rateLimited), ...withRateLimitHeaders(spec.responses, rateLimited) },
  };
}

/** A problem+json answer for an operation-specific error status. */
export const problemAnswer = (description: string): ResponseSpec => problemResponse(description);
