/** Protocol-neutral error kinds; the HTTP kit maps each to one status. */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'method-not-allowed'
  | 'conflict'
  | 'unprocessable'
  | 'too-large'
  | 'uri-too-long'
  | 'headers-too-large'
  | 'request-timeout'
  | 'rate-limited'
  | 'unavailable'
  | 'timeout'
  | 'internal';

const brand = Symbol.for('skico.AppError');

export interface AppErrorOptions {
  /** Shown to the client: say what is wrong and how to fix it, never internals. */
  detail?: string;
  /** Extra members of the problem document, such as the offending field. */
  extras?: Record<string, unknown>;
  /** Seconds after which a retry may succeed (sent as Retry-After). */
  retryAfterSeconds?: number;
  cause?: unknown;
}

/** The one error family of Skico: a stable machine-readable code plus a kind. */
export class AppError extends Error {
  readonly [brand] = true;
  readonly code: string;
  readonly kind: ErrorKind;
  readonly detail: string | undefined;
  readonly extras: Record<string, unknown>;
  readonly retryAfterSeconds: number | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: AppErrorOptions = {}) {
    // Only a fault of our own needs a stack. Every other kind is an answer (404, 400, 503 under load) and
    // may come by the thousand a second; capturing a stack cost more than the rest of such an answer.
    const limit = Error.stackTraceLimit;
    if (kind !== 'internal') Error.stackTraceLimit = 0;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    Error.stackTraceLimit = limit;
    this.name = 'AppError';
    this.kind = kind;
    this.code = code;
    this.detail = options.detail;
    this.extras = options.extras ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** True for any AppError, even one created by another copy of this package. */
export function isAppError(e: unknown): e is AppError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

export const notFound = (code: string, message: string, extras?: Record<string, unknown>) =>
  new AppError('not-found', code, message, { extras });

export const invalid = (code: string, message: string, extras?: Record<string, unknown>) =>
  new AppError('invalid', code, message, { extras });

export const conflict = (code: string, message: string, extras?: Record<string, unknown>) =>
  new AppError('conflict', code, message, { extras });
