import { mintToken } from '@skico/auth';
import { createResponseValidator } from '@skico/contracts';
import { startTestStack, type TestStack } from '@skico/stack';
import fc from 'fast-check';
import { SignJWT, UnsecuredJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FuzzTokens, invalidRequests, validRequests } from './fuzz-builder.ts';
import { type FuzzOperation, type FuzzRequest, fuzzOperations, nastyStrings } from './fuzz-requests.ts';
import { createStateProbe } from './fuzz-state.ts';
import { tokenSettings } from './security-kit.ts';

/**
 * The contract fuzzer: requests generated from the OpenAPI document for every operation, valid ones and
 * ones broken in one named way, sent through the gateway. FUZZ_SEED replays a run; FUZZ_RUNS_SCALE scales the number of cases.
 */
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const scale = Number(process.env.FUZZ_RUNS_SCALE ?? 1);
const runs = { valid: Math.round(700 * scale), invalid: Math.round(1_100 * scale), routes: Math.round(200 * scale) };

let stack: TestStack;
let probe: Awaited<ReturnType<typeof createStateProbe>>;
let tokens: FuzzTokens;
const ops: FuzzOperation[] = fuzzOperations();
const validate = createResponseValidator();
const tally = { cases: 0, byStatus: new Map<number, number>(), byMutation: new Map<string, number>() };
const count = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

interface Answer {
  status: number;
  contentType?: string;
  body: unknown;
  text: string;
}

async function send(req: FuzzRequest): Promise<Answer> {
  const res = await fetch(`${stack.gatewayUrl}${req.url}`, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const contentType = res.headers.get('content-type') ?? undefined;
  let body: unknown = text.length > 0 ? text : undefined;
  if (text.length > 0 && contentType?.includes('json')) body = JSON.parse(text);
  tally.cases += 1;
  count(tally.byStatus, res.status);
  return { status: res.status, contentType, body, text };
}

const describeRequest = (req: FuzzRequest) =>
  `${req.method} ${req.url.slice(0, 300)} [${req.mutation}] headers=${JSON.stringify(req.headers).slice(0, 300)} body=${
    typeof req.body === 'string' ? req.body.slice(0, 300) : req.body ? `<${req.body.length} bytes>` : '-'
  }`;

/** The invariants of every answer: never a 5xx, only documented statuses, bodies as documented. */
function check(req: FuzzRequest, answer: Answer): void {
  count(tally.byMutation, `${req.expectation}: ${req.mutation}`);
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}: ${answer.text.slice(0, 300)}`);
  problems.push(
    ...validate({
      method: req.method,
      path: req.url,
      status: answer.status,
      body: answer.body,
      contentType: answer.contentType,
    }),
  );
  if (req.expectation === 'invalid' && (answer.status < 400 || answer.status >= 500)) {
    problems.push(`an invalid request was answered ${answer.status}`);
  }
  if (problems.length > 0) throw new Error(`${problems.join('; ')}\n  request: ${describeRequest(req)}`);
}

beforeAll(async () => {
  stack = await startTestStack({
    // Long cache lifetimes, so that nothing expires on its own while the refused requests run.
    settings: {
      extra: { METADATA_TTL_SECONDS: '3600', READ_CACHE_TTL_SECONDS: '3600', WAIT_TIMES_TTL_SECONDS: '3600' },
    },
  });
  probe = await createStateProbe(stack);
  const key = new TextEncoder().encode(tokenSettings.secret);
  const admin = () =>
    new SignJWT({ roles: ['admin'] })
      .setSubject('fuzz')
      .setIssuer(tokenSettings.issuer)
      .setAudience(tokenSettings.audience)
      .setExpirationTime('1h');
  tokens = {
    admin: await mintToken(tokenSettings, { subject: 'fuzz-admin', roles: ['admin'] }),
    skier: await mintToken(tokenSettings, { subject: 'fuzz-skier', roles: ['skier'] }),
    forged: [
      new UnsecuredJWT({ roles: ['admin'] }).setSubject('fuzz').setIssuer('skico').setAudience('skico-api').encode(),
      await admin().setProtectedHeader({ alg: 'HS512' }).sign(key),
      await admin()
        .setProtectedHeader({ alg: 'HS256' })
        .sign(new TextEncoder().encode('w'.repeat(40))),
      await admin()
        .setProtectedHeader({ alg: 'HS256' })
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(key),
      await admin().setProtectedHeader({ alg: 'HS256' }).setIssuer('evil').sign(key),
      'not.a.jwt',
    ],
  };
  console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed}); runs ${JSON.stringify(runs)}`);
});

afterAll(async () => {
  const statuses = [...tally.byStatus.entries()].sort(([a], [b]) => a - b);
  console.log(
    `fuzz cases sent: ${tally.cases} (seed ${seed}); statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
  );
  console.log(
    `fuzz mutations: ${[...tally.byMutation.entries()]
      .sort()
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
  );
  await probe?.close();
  await stack?.stop();
});

describe('the contract fuzzer', () => {
  it('when requests the document allows are sent, then none is a 5xx and every answer is as documented', async () => {
    expect(ops.length).toBeGreaterThanOrEqual(23);
    await fc.assert(
      fc.asyncProperty(validRequests(ops, tokens), async (req) => check(req, await send(req))),
      { seed, numRuns: runs.valid, endOnFailure: true },
    );
  }, 120_000);

  it('when requests the document refuses are sent, then each is a documented 4xx and nothing changes in Postgres, Redis or the queue', async () => {
    const before = await probe.settle();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(invalidRequests(ops, tokens), async (req) => check(req, await send(req))),
      { seed: seed + 1, numRuns: runs.invalid, endOnFailure: true },
    );
    const after = await probe.settle();
    // Keys due to expire within the phase (negative-cache entries, tombstones) may vanish on their own.
    expect(probe.diff(before, after, Date.now() - started + 60_000)).toEqual([]);
  }, 180_000);

  it('when unknown paths and methods are tried, then each is a 404 or 405 problem, never a 5xx', async () => {
    const paths = [...new Set(ops.map((op) => op.template))];
    const segment = fc.oneof(
      fc.constantFrom(...nastyStrings, 'admin', 'internal', '.env', 'v2'),
      fc.string({ maxLength: 12 }),
    );
    const unknown = fc.record({
      method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'),
      path: fc.oneof(
        fc
          .array(segment, { minLength: 1, maxLength: 5 })
          .map((parts) => `/${parts.map((p) => encodeURIComponent(p.replace(/[\ud800-\udfff]/g, ''))).join('/')}`),
        fc.constantFrom(...paths).map((p) => p.replace(/\{\w+\}/g, '1')),
      ),
    });
    await fc.assert(
      fc.asyncProperty(unknown, async ({ method, path }) => {
        const answer = await send({
          operationId: '-',
          method,
          url: path,
          headers: {},
          expectation: 'invalid',
          mutation: 'route',
        });
        count(tally.byMutation, 'route');
        if (answer.status >= 500) throw new Error(`${method} ${path} answered ${answer.status}`);
        if (answer.status >= 400) expect(answer.contentType, `${method} ${path}`).toContain('application/problem+json');
      }),
      { seed: seed + 2, numRuns: runs.routes, endOnFailure: true },
    );
  }, 60_000);
});
