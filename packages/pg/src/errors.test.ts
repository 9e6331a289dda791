import { describe, expect, it } from 'vitest';
import { isPgStatementError, isTransientPgError } from './errors.ts';

const withCode = (code: string) => Object.assign(new Error(code), { code, severity: 'ERROR' });

describe('pg error classes', () => {
  it.each([
    ['08006', true],
    ['57P01', true],
    ['53300', true],
    ['40P01', true],
    ['23505', false],
    ['22003', false],
    ['P0001', false],
  ])('when the code is %s, then transient is %s', (code, transient) => {
    expect(isTransientPgError(withCode(code))).toBe(transient);
  });

  it('when a socket error has a five-letter code, then it is still transient', () => {
    expect(isTransientPgError(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBe(true);
  });

  it('when the connection is cut without a code, then it is transient, not a statement error', () => {
    const cut = new Error('Connection terminated unexpectedly');
    expect(isTransientPgError(cut)).toBe(true);
    expect(isPgStatementError(cut)).toBe(false);
  });

  it('when a check constraint fails, then it is a statement error', () => {
    expect(isPgStatementError(withCode('23514'))).toBe(true);
  });
});
