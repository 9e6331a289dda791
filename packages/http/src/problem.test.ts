import { AppError, DependencyUnavailable } from '@skico/errors';
import { describe, expect, it } from 'vitest';
import { failureLogLevel, normalizeError, toProblem } from './problem.ts';

describe('problem documents', () => {
  it('when a not-found error is mapped, then it is a 404 problem with a message field', () => {
    const problem = toProblem(new AppError('not-found', 'RESORT_NOT_FOUND', 'Resort 9 does not exist.'), 'req-1');
    expect(problem).toMatchObject({
      status: 404,
      title: 'Not Found',
      code: 'RESORT_NOT_FOUND',
      message: 'Resort 9 does not exist.',
      detail: 'Resort 9 does not exist.',
      requestId: 'req-1',
      type: 'https://skico.dev/problems/resort-not-found',
    });
  });

  it('when an unknown error is mapped, then it is a 500 that reveals nothing of its cause', () => {
    const problem = toProblem(normalizeError(new Error('password=hunter2 at db.internal:5432')));
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem)).not.toContain('hunter2');
    expect(JSON.stringify(problem)).not.toContain('db.internal');
  });

  it('when a dependency is unavailable, then it is a 503 with a retry hint', () => {
    const error = new DependencyUnavailable('postgres', 'timeout');
    expect(toProblem(error).status).toBe(503);
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it.each([
    [{ type: 'entity.too.large' }, 413],
    [{ type: 'entity.parse.failed' }, 400],
    [{ status: 400, expose: true }, 400],
  ])('when express reports %o, then the status is %i', (err, status) => {
    expect(toProblem(normalizeError(err)).status).toBe(status);
  });

  it('when extras are given, then they are members of the document', () => {
    const error = new AppError('invalid', 'INVALID_REQUEST', 'bad', { extras: { errors: [{ field: 'dayID' }] } });
    expect(toProblem(error).errors).toEqual([{ field: 'dayID' }]);
  });

  it('when failures are logged, then faults are errors, failed dependencies warnings, and refusals under load not logged one by one', () => {
    expect(failureLogLevel(normalizeError(new Error('boom')))).toBe('error');
    expect(failureLogLevel(new DependencyUnavailable('postgres', 'timeout'))).toBe('warn');
    expect(failureLogLevel(new DependencyUnavailable('resort', 'unreachable'))).toBe('warn');
    for (const reason of ['full', 'open', 'shutdown'] as const) {
      expect(failureLogLevel(new DependencyUnavailable('resort', reason)), reason).toBeUndefined();
    }
    expect(failureLogLevel(new AppError('unavailable', 'OVERLOADED', 'busy'))).toBeUndefined();
    expect(failureLogLevel(new AppError('not-found', 'RESORT_NOT_FOUND', 'no'))).toBeUndefined();
  });
});
