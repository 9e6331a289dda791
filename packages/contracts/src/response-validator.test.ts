import { describe, expect, it } from 'vitest';
import { createResponseValidator } from './response-validator.ts';

const validate = createResponseValidator();
const problemBody = {
  type: 'https://skico.dev/problems/resort-not-found',
  title: 'Not Found',
  status: 404,
  detail: 'Resort 9 does not exist.',
  message: 'Resort 9 does not exist.',
  code: 'RESORT_NOT_FOUND',
  requestId: 'r-1',
};

describe('response validator', () => {
  it('when real-looking answers match the contract, then there are no problems', () => {
    expect(
      validate({ method: 'GET', path: '/resorts', status: 200, body: { resorts: [{ resortName: 'A', resortID: 1 }] } }),
    ).toEqual([]);
    expect(
      validate({ method: 'GET', path: '/resorts/3/seasons', status: 200, body: { seasons: ['2024', '2025'] } }),
    ).toEqual([]);
    expect(
      validate({ method: 'GET', path: '/skiers/3/seasons/2025/days/1/skiers/9', status: 200, body: 3400 }),
    ).toEqual([]);
    expect(
      validate({
        method: 'GET',
        path: '/resorts/9',
        status: 404,
        body: problemBody,
        contentType: 'application/problem+json; charset=utf-8',
      }),
    ).toEqual([]);
    expect(validate({ method: 'DELETE', path: '/skiers/1000001', status: 204, body: undefined })).toEqual([]);
    expect(
      validate({
        method: 'GET',
        path: '/docs',
        status: 200,
        body: '<!doctype html>',
        contentType: 'text/html; charset=utf-8',
      }),
    ).toEqual([]);
  });

  it('when a field is missing or mistyped, then each is reported with its path', () => {
    const problems = validate({
      method: 'GET',
      path: '/resorts',
      status: 200,
      body: { resorts: [{ resortName: 'A', resortID: '1' }] },
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('listResorts');
    expect(problems[0]).toContain('resorts.0.resortID');
    expect(
      validate({ method: 'GET', path: '/skiers/3/seasons/2025/days/1/skiers/9', status: 200, body: { vertical: 1 } }),
    ).toHaveLength(1);
  });

  it('when the status is not documented, then it is reported', () => {
    expect(validate({ method: 'GET', path: '/resorts', status: 418, body: problemBody })).toEqual([
      'listResorts (GET /resorts): status 418 is not documented',
    ]);
  });

  it('when an error is not a problem document or has the wrong content type, then it is reported', () => {
    expect(
      validate({ method: 'GET', path: '/resorts/9', status: 404, body: { error: 'nope' } }).length,
    ).toBeGreaterThan(0);
    expect(
      validate({ method: 'GET', path: '/resorts/9', status: 404, body: problemBody, contentType: 'application/json' }),
    ).toHaveLength(1);
  });

  it('when no operation serves the request, then it is reported', () => {
    expect(validate({ method: 'GET', path: '/nowhere', status: 404, body: problemBody })).toEqual([
      'GET /nowhere: no operation in the contract',
    ]);
  });

  it('when an answer documented without a body has one, then it is reported', () => {
    expect(validate({ method: 'DELETE', path: '/skiers/5', status: 204, body: { ok: true } })).toHaveLength(1);
  });
});
