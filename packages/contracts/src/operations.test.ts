import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { allowedMethods, matchOperation, operationsOf } from './match-operation.ts';
import { pathBuilder } from './operation-path.ts';
import { allOperations, getOperation, type OperationIdOf, type OperationOf, operations } from './operations.ts';
import type { skierStatsQuery } from './schemas/skier.ts';

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

describe('operation types', () => {
  it('when a service’s operations are named, then their ids are literal types', () => {
    expectTypeOf<OperationIdOf<'skier'>>().toEqualTypeOf<'createSkier' | 'getSkier' | 'replaceSkier' | 'deleteSkier'>();
    expectTypeOf<OperationIdOf<'lift-ride'>>().toExtend<string>();
    // @ts-expect-error getResort is the resort service's
    expectTypeOf<OperationOf<'skier', 'getResort'>>().toBeObject();
  });

  it('when an operation is looked up by id, then it keeps its path template and schemas', () => {
    type Stats = OperationOf<'lift-ride', 'getSkierSeasonStats'>;
    expectTypeOf<Stats['path']>().toEqualTypeOf<'/internal/skiers/{skierID}/stats'>();
    expectTypeOf<z.output<NonNullable<Stats['query']>>>().toEqualTypeOf<z.output<typeof skierStatsQuery>>();
    expectTypeOf(getOperation('getWeather').operationId).toEqualTypeOf<'getWeather'>();
  });
});

describe('internal operations', () => {
  it('when the public contract is listed, then internal operations are not in it', () => {
    const internal = allOperations.filter((op) => op.internal).map((op) => op.operationId);
    expect(internal).toEqual(['getSkierSeasonStats']);
    expect(operations.map((op) => op.operationId)).not.toContain('getSkierSeasonStats');
    expect(matchOperation('GET', '/internal/skiers/7/stats')).toBeUndefined();
  });

  it('when the owning service matches a request, then its internal operations are among its own', () => {
    const liftRide = operationsOf('lift-ride');
    const match = liftRide({ method: 'GET', url: '/internal/skiers/7/stats?season=2025' });
    expect(match?.operation.operationId).toBe('getSkierSeasonStats');
    expect(match?.params).toEqual({ skierID: '7' });
    expect(operationsOf('skier')({ method: 'GET', url: '/internal/skiers/7/stats' })).toBeUndefined();
    expect(operationsOf('skier')({ method: 'HEAD', url: '/skiers/7' })?.operation.operationId).toBe('getSkier');
  });

  it('when a caller builds an operation’s path, then the contract’s template is filled and encoded', () => {
    expect(pathBuilder('getSkierSeasonStats')({ skierID: 7 })).toBe('/internal/skiers/7/stats');
    expect(pathBuilder('getSkierDayVertical')({ resortID: 1, seasonID: '2025', dayID: 2, skierID: 'a/b' })).toBe(
      '/skiers/1/seasons/2025/days/2/skiers/a%2Fb',
    );
    // @ts-expect-error the stats path takes a skierID
    pathBuilder('getSkierSeasonStats')({ resortID: 7 });
  });
});
