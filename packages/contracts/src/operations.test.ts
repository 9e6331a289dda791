import { describe, expect, it } from 'vitest';
import { allowedMethods, matchOperation } from './match-operation.ts';
import { operations } from './operations.ts';

// Every route of /work/shared/API.md, course contract and extensions, but those the gateway serves on its
// internal listener only (issue 14: the detailed views are not public): /health/deps, /metrics, /status and
// /status.json.
const apiRoutes = [
  'GET /resorts',
  'GET /resorts/{resortID}/seasons',
  'POST /resorts/{resortID}/seasons',
  'GET /resorts/{resortID}/seasons/{seasonID}/day/{dayID}/skiers',
  'POST /skiers/{resortID}/seasons/{seasonID}/days/{dayID}/skiers/{skierID}',
  'GET /skiers/{resortID}/seasons/{seasonID}/days/{dayID}/skiers/{skierID}',
  'GET /skiers/{skierID}/vertical',
  'GET /statistics',
  'POST /resorts',
  'GET /resorts/{resortID}',
  'GET /resorts/{resortID}/lifts',
  'PUT /resorts/{resortID}/lifts/{liftID}',
  'GET /resorts/{resortID}/weather',
  'PUT /resorts/{resortID}/weather',
  'GET /resorts/{resortID}/seasons/{seasonID}/days/{dayID}/lifts/wait-times',
  'POST /skiers',
  'GET /skiers/{skierID}',
  'PUT /skiers/{skierID}',
  'DELETE /skiers/{skierID}',
  'GET /docs',
  'GET /openapi.json',
  'GET /health/live',
  'GET /health/ready',
];

describe('operation registry', () => {
  it('when compared with API.md, then it has exactly its routes', () => {
    expect(operations.map((op) => `${op.method} ${op.path}`).sort()).toEqual([...apiRoutes].sort());
  });

  it('when listed, then operation ids are unique', () => {
    expect(new Set(operations.map((op) => op.operationId)).size).toBe(operations.length);
  });

  it('when a route is admin or owner only, then it documents 401 and 403', () => {
    for (const op of operations.filter((o) => o.auth !== 'none')) {
      expect(Object.keys(op.responses), op.operationId).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('when a route is a POST, then it takes an Idempotency-Key and documents 409, 413 and 422', () => {
    for (const op of operations.filter((o) => o.method === 'POST')) {
      expect(op.requestHeaders, op.operationId).toContain('Idempotency-Key');
      expect(Object.keys(op.responses), op.operationId).toEqual(expect.arrayContaining(['409', '413', '422']));
      expect(op.idempotent).toBe(false);
    }
  });

  it('when a route belongs to a service, then it documents 503 with Retry-After', () => {
    for (const op of operations.filter((o) => o.service !== 'gateway')) {
      expect(op.responses[503]?.headers, op.operationId).toContain('Retry-After');
    }
  });

  it('when the course contract is marked, then it is the eight course routes', () => {
    expect(operations.filter((op) => op.courseContract)).toHaveLength(8);
  });
});

describe('matchOperation', () => {
  it('when a concrete path is given, then it finds the template and raw parameters', () => {
    const match = matchOperation('post', '/skiers/3/seasons/2025/days/1/skiers/42');
    expect(match?.operation.operationId).toBe('recordLiftRide');
    expect(match?.params).toEqual({ resortID: '3', seasonID: '2025', dayID: '1', skierID: '42' });
    expect(match?.operation.params?.parse(match.params)).toMatchObject({ resortID: 3, skierID: 42 });
  });

  it('when the path has a query string or a trailing slash, then it still matches', () => {
    expect(matchOperation('GET', '/skiers/7/vertical?resort=1&resort=2')?.operation.operationId).toBe(
      'getSkierVertical',
    );
    expect(matchOperation('GET', '/resorts/')?.operation.operationId).toBe('listResorts');
  });

  it('when the singular `day` or plural `days` is used, then each reaches its own operation', () => {
    expect(matchOperation('GET', '/resorts/1/seasons/2025/day/1/skiers')?.operation.operationId).toBe(
      'getUniqueSkiers',
    );
    expect(matchOperation('GET', '/resorts/1/seasons/2025/days/1/lifts/wait-times')?.operation.operationId).toBe(
      'getLiftWaitTimes',
    );
  });

  it('when nothing serves the path or method, then there is no match, and allowed methods tell 404 from 405', () => {
    expect(matchOperation('GET', '/nowhere')).toBeUndefined();
    expect(matchOperation('PATCH', '/skiers/1')).toBeUndefined();
    expect(allowedMethods('/skiers/1').sort()).toEqual(['DELETE', 'GET', 'PUT']);
    expect(allowedMethods('/nowhere')).toEqual([]);
  });
});
