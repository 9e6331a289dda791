import { AppError } from './app-error.ts';

const brand = Symbol.for('skico.DependencyUnavailable');

export type UnavailableReason = 'open' | 'timeout' | 'full' | 'shutdown' | 'failed' | 'unreachable';

/** A dependency could not be used: the circuit is open, the call timed out, or its bulkhead is full. */
export class DependencyUnavailable extends AppError {
  readonly [brand] = true;
  readonly dependency: string;
  readonly reason: UnavailableReason;

  constructor(
    dependency: string,
    reason: UnavailableReason,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super('unavailable', 'DEPENDENCY_UNAVAILABLE', `A service this request needs is unavailable; retry later.`, {
      cause: options.cause,
      retryAfterSeconds: options.retryAfterSeconds ?? 1,
    });
    this.name = 'DependencyUnavailable';
    this.dependency = dependency;
    this.reason = reason;
  }
}

export function isDependencyUnavailable(e: unknown): e is DependencyUnavailable {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}
