import { describe, expect, it } from 'vitest';
import { AppError } from './app-error.ts';
import { DependencyUnavailable } from './dependency-unavailable.ts';

describe('AppError', () => {
  it('when an error is an answer (not found, refused under load), then it carries no stack frames', () => {
    const limit = Error.stackTraceLimit;
    for (const error of [
      new AppError('not-found', 'RESORT_NOT_FOUND', 'Resort 9 does not exist.'),
      new DependencyUnavailable('lift-ride writes', 'full'),
    ]) {
      expect(error.stack).not.toContain('\n    at ');
      expect(error.message).not.toBe('');
    }
    expect(Error.stackTraceLimit).toBe(limit);
  });

  it('when an error is a fault of our own, then its stack says where it happened', () => {
    const error = new AppError('internal', 'INTERNAL', 'An unexpected error occurred.');
    expect(error.stack).toContain('app-error.test.ts');
  });
});
