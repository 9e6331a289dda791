import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueApiKey, mintToken, TOKEN_CLOCK_TOLERANCE_SECONDS } from '@skico/auth';
import { startTestStack, type TestStack } from '@skico/stack';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_API_KEY_SECRET, DEVELOPMENT_JWT_SECRET } from '../../src/config.ts';
import { scopedKey } from '../../src/idempotency/request-key.ts';
import { spreadReads } from '../spread-reads.ts';

// Scenario 9: gateways whose clocks are minutes off (libfaketime preloaded into that one process: Date.now
// and the Date header move, the monotonic clock of timers does not). Three gateway replicas share Redis:
// one on time, one 5 minutes ahead, one 5 minutes behind. The gateway judges what depends on the time by
// Redis's clock, which all replicas share (guards/server-clock.ts, docs/security.md "Clocks"):
// - bearer tokens: expiry and not-before within TOKEN_CLOCK_TOLERANCE_SECONDS (5 s) of Redis's clock, on
//   every replica alike;
// - Idempotency-Key records: kept 24 h by a relative Redis TTL, whoever's clock stored them;
// - rate limits: one sliding window per client, numbered by Redis's clock, so a client spreading its
//   requests over the three gets its budget once (plus what it sends between two syncs), not once each.

const FAKETIME_LIB = process.env.LIBFAKETIME ?? '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1';
const SKEW_S = 300;
const skewOf: Record<string, number> = { gateway: 0, 'gateway-2': SKEW_S, 'gateway-3': -SKEW_S };
const BUDGET = 300;
const SYNC_MS = 50;
const RETENTION_S = 24 * 3600;
const jwt = { secret: DEVELOPMENT_JWT_SECRET, issuer: 'skico', audience: 'skico-api' };

/**
 * A step of a running gateway's clock (gateway-2 from 5 minutes ahead to 5 minutes behind) must be
 * corrected within this: the clock reads Redis's every 10 s, and libfaketime rereads its offset every
 * second: at most 11 s, measured 8.7 s in two runs (where in the 10 s period the step falls); the bound
 * adds 2 s for a loaded machine. Meanwhile the stepped gateway takes tokens that expired a minute ago.
 */
const STEP_CORRECTED_BOUND_MS = 13_000;

let stack: TestStack;
let redis: Redis;
let fakeDir: string;
let gateways: { name: string; url: string; skew: number }[];

beforeAll(async () => {
  // gateway-2 reads its offset from a file (every second), so that the test can step its clock.
  fakeDir = await mkdtemp(join(tmpdir(), 'skico-faketime-'));
  await writeFile(join(fakeDir, 'gateway-2'), `+${SKEW_S}s`);
  stack = await startTestStack({
    scale: { gateway: 3 },
    settings: {
      extra: {
        // A long window, so that no budget frees up during the test.
        RATE_LIMIT_WINDOW_SECONDS: '120',
        RATE_LIMIT_READS: String(BUDGET),
        RATE_LIMIT_SYNC_MS: String(SYNC_MS),
      },
      rewrite: (name, env) => {
        const skew = skewOf[name] ?? 0;
        if (skew === 0) return env;
        // Only that process: its realtime clock moves, its monotonic clock (timers, deadlines) does not.
        const offset: Record<string, string> =
          name === 'gateway-2'
            ? { FAKETIME_TIMESTAMP_FILE: join(fakeDir, name), FAKETIME_CACHE_DURATION: '1' }
            : { FAKETIME: `${skew > 0 ? '+' : '-'}${Math.abs(skew)}s` };
        return { ...env, LD_PRELOAD: FAKETIME_LIB, ...offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
      },
    },
  });
  gateways = stack.replicas('gateway').map((g) => ({ name: g.name, url: g.url, skew: skewOf[g.name] ?? 0 }));
  redis = new Redis(stack.settings.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
}, 120_000);

afterAll(async () => {
  redis?.disconnect();
  await stack?.stop();
  if (fakeDir) await rm(fakeDir, { recursive: true, force: true });
});

/** How far a gateway's own clock is from ours, read from its Date header (1 s resolution). */
async function clockOffsetS(url: string): Promise<number> {
  const res = await fetch(`${url}/health/live`);
  await res.arrayBuffer();
  return Math.round((Date.parse(res.headers.get('date') ?? '') - Date.now()) / 1000);
}

describe('gateways whose clocks are 5 minutes ahead and behind', () => {
  it('the skew landed: each skewed gateway answers with its own clock in its Date header', async () => {
    const offsets = await Promise.all(gateways.map((g) => clockOffsetS(g.url)));
    console.log(`clock skew: ${JSON.stringify(gateways.map((g, i) => ({ name: g.name, offsetS: offsets[i] })))}`);
    gateways.forEach((g, i) => {
      expect(Math.abs((offsets[i] ?? 0) - g.skew)).toBeLessThanOrEqual(2);
    });
  });

  it('accepts and refuses tokens by the shared clock, within the 5 s leeway, on every gateway alike', async () => {
    const now = Math.floor(Date.now() / 1000);
    // Each case is a minute or more from its boundary: far beyond the leeway, well within the skew.
    const cases = [
      { name: 'fresh', expect: 'accepted', claims: {} },
      { name: 'not before now', expect: 'accepted', claims: { notBefore: now } },
      { name: 'expiring in 60 s', expect: 'accepted', claims: { expiresIn: now + 60 } },
      { name: 'expired 60 s ago', expect: 'refused', claims: { expiresIn: now - 60 } },
      { name: 'not before 60 s from now', expect: 'refused', claims: { notBefore: now + 60 } },
    ];
    const seen: string[] = [];
    const wrong: string[] = [];
    for (const c of cases) {
      const token = await mintToken(jwt, {
        subject: 'ops',
        roles: ['admin'],
        ...(c.claims.notBefore !== undefined ? { notBefore: c.claims.notBefore } : {}),
        ...(c.claims.expiresIn !== undefined ? { expiresIn: c.claims.expiresIn } : {}),
      });
      for (const g of gateways) {
        // An admin route on a profile that does not exist: 404 once the token is accepted, 401 before.
        const res = await fetch(`${g.url}/skiers/2147483000`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${token}` },
        });
        await res.arrayBuffer();
        const outcome = res.status === 401 ? 'refused' : res.status === 404 ? 'accepted' : `status ${res.status}`;
        seen.push(`${c.name} @ ${g.name}: ${outcome}`);
        if (outcome !== c.expect) wrong.push(`${c.name} @ ${g.name} (${g.skew} s): ${outcome}, expected ${c.expect}`);
      }
    }
    console.log(`clock skew tokens: leeway ${TOKEN_CLOCK_TOLERANCE_SECONDS} s; ${seen.join('; ')}`);
    expect(wrong).toEqual([]);
  });

  it('keeps Idempotency-Key records 24 h whichever gateway stored them, and replays them on every gateway', async () => {
    const { key: apiKey, keyId } = issueApiKey(DEVELOPMENT_API_KEY_SECRET, 'clock-idem');
    const figures: Record<string, unknown>[] = [];
    const problems: string[] = [];
    for (const g of gateways) {
      const key = `skew-${g.name}-${Date.now()}`;
      const send = (url: string) =>
        fetch(`${url}/skiers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key, 'x-api-key': apiKey },
          body: JSON.stringify({ name: `Skew ${g.name}`, passType: 'season' }),
        }).then(async (res) => ({
          status: res.status,
          replayed: res.headers.get('idempotent-replayed') === 'true',
          body: await res.text(),
        }));
      const first = await send(g.url);
      const scoped = scopedKey({ key, client: `key:${keyId}`, operationId: 'createSkier' });
      const ttl = await redis.ttl(`${stack.namespace}gateway:v2:idem:${scoped}`);
      const replays = await Promise.all(gateways.map((other) => send(other.url)));
      figures.push({ storedBy: g.name, status: first.status, ttlS: ttl, replayed: replays.map((r) => r.replayed) });
      if (first.status !== 201) problems.push(`${g.name}: first answer ${first.status}`);
      // Relative TTLs: the record lives 24 h from when Redis stored it, whatever the storing clock said.
      if (ttl < RETENTION_S - 60 || ttl > RETENTION_S) problems.push(`${g.name}: TTL ${ttl} s`);
      replays.forEach((r, i) => {
        if (!r.replayed || r.status !== first.status || r.body !== first.body)
          problems.push(`${g.name} stored, ${gateways[i]?.name} replayed ${r.status} replayed=${r.replayed}`);
      });
    }
    console.log(`clock skew idempotency: ${JSON.stringify(figures)}`);
    expect(problems).toEqual([]);
  });

  it("gives a client spreading its reads over the three gateways its budget once, not once per gateway's clock", async () => {
    const headers = { 'x-api-key': issueApiKey(DEVELOPMENT_API_KEY_SECRET, 'clock-skew').key };
    // The documented error of the shared count (docs/security.md) is what a client sends to the other gateways
    // between two syncs. The skew adds nothing to it: the windows are numbered by Redis's clock.
    const figures = await spreadReads({
      gateways: gateways.map((g) => g.url),
      headers,
      clients: 9,
      total: 4 * BUDGET,
      syncMs: SYNC_MS,
    });
    const { accepted, syncError } = figures;
    console.log(`clock skew rate limit: ${JSON.stringify(figures)}`);
    expect(figures.other).toBe(0);
    expect(figures.refusedByGateway.every((n) => n > 0)).toBe(true);
    expect(accepted).toBeGreaterThanOrEqual(BUDGET - syncError);
    expect(accepted).toBeLessThanOrEqual(BUDGET + syncError);
  }, 60_000);

  it("when a running gateway's clock steps by 10 minutes, then it judges by Redis's clock again within the bound", async () => {
    const stepped = gateways.find((g) => g.name === 'gateway-2');
    if (!stepped) throw new Error('no gateway-2');
    const now = Math.floor(Date.now() / 1000);
    const expired = await mintToken(jwt, { subject: 'ops', roles: ['admin'], expiresIn: now - 60 });
    const accepted = async () => {
      const res = await fetch(`${stepped.url}/skiers/2147483000`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${expired}` },
      });
      await res.arrayBuffer();
      return res.status !== 401;
    };
    expect(await accepted()).toBe(false);
    // The step: from 5 minutes ahead to 5 minutes behind. The proof it landed is the gateway's Date header.
    await writeFile(join(fakeDir, 'gateway-2'), `-${SKEW_S}s`);
    const steppedAt = Date.now();
    let landedMs = -1;
    let wrongAnswers = 0;
    let correctedMs = -1;
    while (Date.now() - steppedAt < 30_000) {
      if (landedMs < 0 && (await clockOffsetS(stepped.url)) <= -SKEW_S + 2) landedMs = Date.now() - steppedAt;
      const wrong = await accepted();
      if (wrong) wrongAnswers += 1;
      // Corrected: the step has landed and the gateway refuses the expired token again.
      if (landedMs >= 0 && !wrong) {
        correctedMs = Date.now() - steppedAt;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(
      `clock skew step: ${JSON.stringify({ landedMs, correctedMs, expiredTokenAcceptedMeanwhile: wrongAnswers })}`,
    );
    expect(landedMs).toBeGreaterThanOrEqual(0);
    expect(correctedMs).toBeGreaterThanOrEqual(0);
    expect(correctedMs).toBeLessThan(STEP_CORRECTED_BOUND_MS);
    // Corrected for good: the expired token is refused again.
    expect(await accepted()).toBe(false);
  }, 60_000);
});
