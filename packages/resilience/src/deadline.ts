import { AppError, isAppError, isDependencyUnavailable } from '@skico/errors';

/**
 * The request's own deadline left too little time for a call, or ran out during it: the caller's problem,
 * not the dependency's. Kind `timeout`, so the HTTP kit answers 504, as the API documents for a deadline
 * that expired before the owning service answered; no Retry-After, since the same budget would fail again.
 */
export class DeadlineExceeded extends AppError {
  readonly dependency: string;

  constructor(dependency: string, options: { cause?: unknown } = {}) {
    super('timeout', 'DEADLINE_EXCEEDED', 'The request deadline expired before the service could answer.', {
      detail: 'Allow more time with a longer Request-Timeout, or none for the default.',
      cause: options.cause,
    });
    this.name = 'DeadlineExceeded';
    this.dependency = dependency;
  }
}

/** True for an error that says time ran out: a deadline, a 504-kind answer, a dependency that timed out. */
export function isDeadline(error: unknown): boolean {
  return (
    (isAppError(error) && error.kind === 'timeout') || (isDependencyUnavailable(error) && error.reason === 'timeout')
  );
}
