import { AppError } from '@skico/errors';
import type { z } from 'zod';

export type RequestPart = 'path' | 'query' | 'body' | 'header';

/**
 * Parses one part of a request against its schema.
 * @throws AppError `invalid` (400) naming each offending field.
 */
export function parseRequest<S extends z.ZodType>(schema: S, value: unknown, part: RequestPart): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => ({
    in: part,
    field: issue.path.length > 0 ? issue.path.join('.') : part,
    message: issue.message,
  }));
  const first = errors[0];
  const summary = first ? `${first.field}: ${first.message}` : 'invalid';
  return fail(`Invalid ${part === 'path' ? 'path parameter' : part} ${summary}`, errors);
}

function fail(message: string, errors: { in: RequestPart; field: string; message: string }[]): never {
  throw new AppError('invalid', 'INVALID_REQUEST', message, { extras: { errors } });
}
