import { AppError, type ErrorKind, isAppError, isDependencyUnavailable } from '@skico/errors';

const statusByKind: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  'request-timeout': 408,
  'too-large': 413,
  'uri-too-long': 414,
  unprocessable: 422,
  'rate-limited': 429,
  'headers-too-large': 431,
  internal: 500,
  unavailable: 503,
  timeout: 504,
};

const titleByKind: Record<ErrorKind, string> = {
  invalid: 'Bad Request',
  unauthenticated: 'Unauthorized',
  forbidden: 'Forbidden',
  'not-found': 'Not Found',
  'method-not-allowed': 'Method Not Allowed',
  conflict: 'Conflict',
  'request-timeout': 'Request Timeout',
  'too-large': 'Content Too Large',
  'uri-too-long': 'URI Too Long',
  unprocessable: 'Unprocessable Content',
  'rate-limited': 'Too Many Requests',
  'headers-too-large': 'Request Header Fields Too Large',
  internal: 'Internal Server Error',
  unavailable: 'Service Unavailable',
  timeout: 'Gateway Timeout',
};

export function statusOf(kind: ErrorKind): number {
  return statusByKind[kind];
}

/** An RFC 9457 problem document that also carries `message`, as course clients read `ResponseMsg{message}`. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  message: string;
  code: string;
  instance?: string;
  requestId?: string;
  [extra: string]: unknown;
}

/** Body-parser and other express errors carry a `type` or `status`; turn them into AppErrors. */
export function normalizeError(err: unknown): AppError {
  if (isAppError(err)) return err;
  const e = err as { type?: string; status?: number; expose?: boolean } | undefined;
  if (e?.type === 'entity.too.large')
    return new AppError('too-large', 'BODY_TOO_LARGE', 'The request body is too large.');
  if (e?.type === 'entity.parse.failed')
    return new AppError('invalid', 'MALFORMED_JSON', 'The request body is not valid JSON.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported')
    return new AppError('invalid', 'UNSUPPORTED_ENCODING', 'The request body encoding is not supported.');
  // The router's own path decoding: `%ED%A0%80` and the like are not UTF-8.
  if (err instanceof URIError)
    return new AppError('invalid', 'MALFORMED_URL', 'The URL is not valid percent-encoded UTF-8.');
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500)
    return new AppError('invalid', 'BAD_REQUEST', 'The request is malformed.');
  return new AppError('internal', 'INTERNAL', 'An unexpected error occurred.', { cause: err });
}

/** The problem document for an error; 5xx documents never carry the cause. */
export function toProblem(error: AppError, requestId?: string): Problem {
  const status = statusOf(error.kind);
  const message = status >= 500 && error.kind === 'internal' ? 'An unexpected error occurred.' : error.message;
  return {
    ...error.extras,
    type: `https://skico.dev/problems/${error.code.toLowerCase().replaceAll('_', '-')}`,
    title: titleByKind[error.kind],
    status,
    detail: error.detail ?? message,
    message,
    code: error.code,
    ...(requestId ? { requestId } : {}),
  };
}

/**
 * How loudly a failed request is logged. A fault of this process (500) is an error, with its stack. A
 * dependency that failed or timed out is a warning, without a stack (it says nothing the dependency, the
 * reason and the request id do not). A refusal under load (bulkhead full, circuit open, shed, shutting
 * down) is not logged per request at all: metrics count it, and a log line each would add work exactly
 * when there is too much. Client errors are not failures of this process.
 */
export function failureLogLevel(error: AppError): 'error' | 'warn' | undefined {
  if (error.kind === 'internal') return 'error';
  if (statusOf(error.kind) < 500 || error.code === 'OVERLOADED') return undefined;
  if (isDependencyUnavailable(error) && ['full', 'open', 'shutdown'].includes(error.reason)) return undefined;
  return 'warn';
}
