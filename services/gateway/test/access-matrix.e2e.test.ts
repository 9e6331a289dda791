import { operations } from '@skico/contracts';
import { startTestStack, type TestStack } from '@skico/stack';
import { type ApiClient, createApiClient, waitFor } from '@skico/test-kit';
import { generateKeyPair, SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessMatrix, type Caller } from './access-matrix.ts';
import { bearer, tokenFor, tokenSettings } from './security-kit.ts';

interface CellRequest {
  path: string;
  body?: unknown;
  /** The skier the path names; the owner's token has this subject. */
  skierID?: number;
}

let stack: TestStack;
let api: ApiClient;
let admin: Record<string, string>;
let resortID: number;
let skierID: number;
let liftSeq = 0;
let rideSeq = 0;
let seasonSeq = 2030;

const profile = { name: 'Matrix Skier', homeCity: 'Davos', passType: 'season' };
const weather = { summary: 'Sunny', conditions: 'clear', temperatureC: -2, snowDepthCm: 120, windKph: 5 };

async function newSkier(): Promise<number> {
  const created = await api.post<{ skierID: number }>('/skiers', profile);
  expect(created.status).toBe(201);
  return created.body.skierID;
}

/** One request per operation, with fresh resources where a call changes or removes one. */
const requests: Record<string, () => Promise<CellRequest>> = {
  listResorts: async () => ({ path: '/resorts' }),
  createResort: async () => ({ path: '/resorts', body: { resortName: `Matrix ${Date.now()}-${rideSeq++}` } }),
  getResort: async () => ({ path: `/resorts/${resortID}` }),
  listSeasons: async () => ({ path: `/resorts/${resortID}/seasons` }),
  createSeason: async () => ({ path: `/resorts/${resortID}/seasons`, body: { year: String(seasonSeq++) } }),
  listLifts: async () => ({ path: `/resorts/${resortID}/lifts` }),
  putLift: async () => ({
    path: `/resorts/${resortID}/lifts/${++liftSeq}`,
    body: { name: `Lift ${liftSeq}`, verticalRise: 100 },
  }),
  getWeather: async () => ({ path: `/resorts/${resortID}/weather` }),
  putWeather: async () => ({ path: `/resorts/${resortID}/weather`, body: weather }),
  recordLiftRide: async () => ({
    path: `/skiers/1/seasons/2025/days/2/skiers/${skierID}`,
    body: { time: 100 + ++rideSeq, liftID: 3 },
    skierID,
  }),
  getSkierDayVertical: async () => ({ path: `/skiers/1/seasons/2025/days/1/skiers/${skierID}`, skierID }),
  getSkierVertical: async () => ({ path: `/skiers/${skierID}/vertical?resort=1`, skierID }),
  getUniqueSkiers: async () => ({ path: '/resorts/1/seasons/2025/day/1/skiers' }),
  getLiftWaitTimes: async () => ({ path: '/resorts/1/seasons/2025/days/1/lifts/wait-times' }),
  createSkier: async () => ({ path: '/skiers', body: profile }),
  getSkier: async () => ({ path: `/skiers/${skierID}`, skierID }),
  replaceSkier: async () => ({ path: `/skiers/${skierID}`, body: profile, skierID }),
  deleteSkier: async () => {
    const fresh = await newSkier();
    return { path: `/skiers/${fresh}`, skierID: fresh };
  },
  getStatistics: async () => ({ path: '/statistics' }),
  getOpenApiDocument: async () => ({ path: '/openapi.json' }),
  getDocs: async () => ({ path: '/docs' }),
  getLiveness: async () => ({ path: '/health/live' }),
  getReadiness: async () => ({ path: '/health/ready' }),
};

async function headersOf(caller: Caller, cell: CellRequest): Promise<Record<string, string>> {
  const owner = cell.skierID ?? skierID;
  if (caller === 'anonymous') return {};
  if (caller === 'admin') return admin;
  return tokenFor(String(caller === 'owner' ? owner : owner + 1_000_000), ['skier']);
}

beforeAll(async () => {
  stack = await startTestStack();
  api = createApiClient(stack.gatewayUrl);
  admin = await tokenFor('ops', ['admin']);
  const resort = await api.post<{ resortID: number }>(
    '/resorts',
    { resortName: `Matrix ${Date.now()}` },
    { headers: admin },
  );
  resortID = resort.body.resortID;
  expect((await api.put(`/resorts/${resortID}/weather`, weather, { headers: admin })).status).toBe(200);
  skierID = await newSkier();
  expect((await api.post(`/skiers/1/seasons/2025/days/1/skiers/${skierID}`, { time: 10, liftID: 2 })).status).toBe(201);
  // The worker writes the ride a moment after its 201.
  await waitFor(async () => (await api.get(`/skiers/1/seasons/2025/days/1/skiers/${skierID}`)).status === 200, {
    timeoutMs: 10_000,
    message: 'the fixture ride to be readable',
  });
});

afterAll(async () => {
  await stack?.stop();
});

describe('the access matrix', () => {
  it('when the contract is compared with the matrix, then every operation has exactly one row', () => {
    const ids = operations.map((op) => op.operationId);
    const rows = Object.keys(accessMatrix);
    expect(
      ids.filter((id) => !rows.includes(id)),
      'operations without a row in access-matrix.ts',
    ).toEqual([]);
    expect(
      rows.filter((id) => !ids.includes(id)),
      'rows of access-matrix.ts for no operation',
    ).toEqual([]);
    expect(
      rows.filter((id) => !(id in requests)),
      'rows without a request in this file',
    ).toEqual([]);
  });

  it.each(operations.map((op) => [op.operationId, op] as const))(
    'when %s is called by each caller, then each gets the status of its cell',
    async (operationId, op) => {
      const row = accessMatrix[operationId];
      const build = requests[operationId];
      if (!row || !build) throw new Error(`no matrix row or request for ${operationId}`);
      const seen: Record<string, number> = {};
      for (const caller of ['anonymous', 'owner', 'other', 'admin'] as const) {
        const cell = await build();
        const res = await api.call(op.method, cell.path, { body: cell.body, headers: await headersOf(caller, cell) });
        seen[caller] = res.status;
        if (res.status === 401) expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
        if (res.status >= 400) expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
      expect(seen).toEqual(row);
    },
  );

  it('when every cell has been called, then no answer departed from the OpenAPI document', () => {
    expect(api.violations()).toEqual([]);
  });
});

describe('bearer tokens at the gateway', () => {
  /** Sets the claims every valid token has; the token's own setters return it, whichever kind it is. */
  function claims<T extends SignJWT | UnsecuredJWT>(token: T, overrides: { iss?: string; aud?: string } = {}): T {
    (token as SignJWT)
      .setSubject('ops')
      .setIssuer(overrides.iss ?? tokenSettings.issuer)
      .setAudience(overrides.aud ?? tokenSettings.audience)
      .setIssuedAt()
      .setExpirationTime('1h');
    return token;
  }
  const key = new TextEncoder().encode(tokenSettings.secret);
  const hs256 = () => new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' });

  /** An admin-only call with this Authorization header; answers the status and the problem code. */
  const attempt = async (authorization?: string) => {
    const res = await api.post<{ code: string }>(
      '/resorts',
      { resortName: `Token ${Date.now()}` },
      { headers: authorization === undefined ? {} : { authorization } },
    );
    return { status: res.status, code: res.body.code, challenge: res.headers.get('www-authenticate') };
  };

  it('when a token is unsigned, signed with another algorithm or another key, then it is 401', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = {
      'alg none': claims(new UnsecuredJWT({ roles: ['admin'] })).encode(),
      'HS512 with the right secret': await claims(
        new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS512' }),
      ).sign(key),
      'RS256 (algorithm confusion)': await claims(
        new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'RS256' }),
      ).sign(privateKey),
      'another secret': await claims(hs256()).sign(new TextEncoder().encode('x'.repeat(48))),
      'a tampered payload': await (async () => {
        const [head, , sig] = (
          await claims(new SignJWT({ roles: ['skier'] }).setProtectedHeader({ alg: 'HS256' })).sign(key)
        ).split('.');
        const payload = Buffer.from(
          JSON.stringify({ sub: 'ops', roles: ['admin'], iss: 'skico', aud: 'skico-api', exp: 2e9 }),
        ).toString('base64url');
        return `${head}.${payload}.${sig}`;
      })(),
    };
    for (const [name, token] of Object.entries(forged)) {
      expect(await attempt(`Bearer ${token}`), name).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('when issuer, audience, expiry, not-before or a required claim is wrong, then it is 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const wrong = {
      issuer: await claims(hs256(), { iss: 'elsewhere' }).sign(key),
      audience: await claims(hs256(), { aud: 'other-api' }).sign(key),
      expired: await claims(hs256())
        .setExpirationTime(now - 60)
        .sign(key),
      'not yet valid': await claims(hs256())
        .setNotBefore(now + 600)
        .sign(key),
      'no expiry': await hs256().setSubject('ops').setIssuer('skico').setAudience('skico-api').sign(key),
      'no subject': await hs256().setIssuer('skico').setAudience('skico-api').setExpirationTime('1h').sign(key),
    };
    for (const [name, token] of Object.entries(wrong)) {
      expect(await attempt(`Bearer ${token}`), name).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('when the header is missing or malformed, then it is 401 with a Bearer challenge', async () => {
    for (const header of [undefined, '', 'Bearer', 'Bearer ', 'Basic b3BzOnB3', 'bearer abc.def.ghi', 'Bearer a b']) {
      const answer = await attempt(header);
      expect(answer, String(header)).toMatchObject({ status: 401, challenge: 'Bearer realm="skico"' });
    }
  });

  it('when a valid token lacks the right, then it is 403, not 401', async () => {
    expect(await attempt((await tokenFor('42', ['skier'])).authorization)).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
    });
    const noRoles = await claims(new SignJWT({}).setProtectedHeader({ alg: 'HS256' })).sign(key);
    expect(await attempt(`Bearer ${noRoles}`)).toMatchObject({ status: 403 });
    const rolesAsString = await claims(new SignJWT({ roles: 'admin' }).setProtectedHeader({ alg: 'HS256' })).sign(key);
    expect(await attempt(`Bearer ${rolesAsString}`)).toMatchObject({ status: 403 });
    expect((await attempt(bearer(await claims(hs256()).sign(key)).authorization)).status).toBe(201);
  });
});
