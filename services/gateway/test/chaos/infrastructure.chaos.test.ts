import { startTestStack, type TestStack } from '@skico/stack';
import { createFaultProxy, type FaultProxy, viaProxy, waitFor } from '@skico/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_MS, drive, freshRide, MARGIN_MS, type Probe, recovery, report } from './chaos-kit.ts';

// Redis, RabbitMQ (for the lift-ride API) and Postgres (for every service and the worker) are reached
// through fault proxies; each scenario breaks one of them, drives traffic through the gateway, and
// checks the answers DESIGN.md §3 promises, the deadline, and the recovery.
let stack: TestStack;
let redis: FaultProxy;
let amqp: FaultProxy;
let postgres: FaultProxy;
let skierID: number;
const accepted: string[] = [];
/** One read and one ride through the gateway: the calls that let breakers close again. */
const nudge = async () => {
  for (const probe of [probes()[1], freshRide()] as Probe[]) {
    const res = await fetch(`${stack.gatewayUrl}${probe.path()}`, {
      method: probe.method,
      headers: { 'content-type': 'application/json' },
      body: probe.body ? JSON.stringify(probe.body()) : undefined,
    });
    const text = await res.text();
    if (probe.method === 'POST' && res.status === 201) accepted.push(text);
  }
};

const probes = (): Probe[] => [
  { kind: 'resorts read', method: 'GET', path: () => '/resorts' },
  { kind: 'cached read', method: 'GET', path: () => '/skiers/2/seasons/2025/days/1/skiers/41' },
  { kind: 'profile read', method: 'GET', path: () => `/skiers/${skierID}` },
  freshRide(),
  { kind: 'profile write', method: 'POST', path: () => '/skiers', body: () => ({ name: 'Chaos', passType: 'day' }) },
];

function remember(summary: Awaited<ReturnType<typeof drive>>) {
  for (const o of summary.outcomes) if (o.kind === 'ride write' && o.status === 201) accepted.push(o.body);
}

beforeAll(async () => {
  redis = await createFaultProxy({ target: { host: '127.0.0.1', port: 6379 } });
  amqp = await createFaultProxy({ target: { host: '127.0.0.1', port: 5672 } });
  postgres = await createFaultProxy({ target: { host: '127.0.0.1', port: 5432 } });
  stack = await startTestStack({
    verbose: process.env.CHAOS_VERBOSE === '1',
    settings: {
      rewrite: (name, env) => {
        const out = { ...env };
        if (out.REDIS_URL) out.REDIS_URL = viaProxy(out.REDIS_URL, redis);
        if (out.DATABASE_URL) out.DATABASE_URL = viaProxy(out.DATABASE_URL, postgres);
        if (name === 'lift-ride' && out.AMQP_URL) out.AMQP_URL = viaProxy(out.AMQP_URL, amqp);
        return out;
      },
    },
  });
  // Data to read, and caches warmed, before anything breaks.
  await fetch(`${stack.gatewayUrl}/skiers/2/seasons/2025/days/1/skiers/41`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ time: 30, liftID: 12 }),
  });
  await waitFor(
    async () => (await fetch(`${stack.gatewayUrl}/skiers/2/seasons/2025/days/1/skiers/41`)).status === 200,
    {
      timeoutMs: 10_000,
    },
  );
  const created = await fetch(`${stack.gatewayUrl}/skiers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Steady', passType: 'season' }),
  });
  skierID = ((await created.json()) as { skierID: number }).skierID;
  await drive(stack, probes(), { durationMs: 500, concurrency: 4 });
});

afterAll(async () => {
  console.log(`chaos (infrastructure): ${JSON.stringify(report, null, 1)}`);
  await stack?.stop();
  await Promise.all([redis?.close(), amqp?.close(), postgres?.close()]);
});

describe('Redis failing', () => {
  for (const fault of process.env.CHAOS_ONLY
    ? [process.env.CHAOS_ONLY as 'reset']
    : (['blackhole', 'reset', 'hung'] as const)) {
    it(`when Redis is ${fault === 'hung' ? 'hung (answers after 5 s)' : fault === 'reset' ? 'resetting connections' : 'blackholed'}, then reads and writes still succeed within the deadline`, async () => {
      if (fault === 'hung') await redis.latency(5_000);
      else await redis[fault]();
      const summary = await drive(stack, probes(), { durationMs: 3_000, concurrency: 6 });
      remember(summary);
      report[`redis ${fault}`] = { worstMs: summary.worstMs, byKind: summary.byKind };
      for (const kind of ['resorts read', 'cached read', 'profile read'])
        expect(summary.statusesOf(kind), kind).toEqual([200]);
      expect(summary.statusesOf('ride write')).toEqual([201]);
      expect(summary.statusesOf('profile write')).toEqual([201]);
      expect(summary.worstMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);

      await redis.pass();
      const gatewayMs = await recovery(
        stack.opsUrlOf('gateway'),
        (d) => d.redis?.status === 'up' && d.redis.breaker === 'closed',
        15_000,
      );
      const liftRideMs = await recovery(stack.urlOf('lift-ride'), (d) => d.redis?.status === 'up', 15_000);
      (report[`redis ${fault}`] as Record<string, unknown>).recoveryMs = Math.max(gatewayMs, liftRideMs);
    }, 40_000);
  }
});

describe('RabbitMQ cut for the API', () => {
  it('when the broker connection is cut, then rides are still accepted (written directly) within the deadline', async () => {
    await amqp.cut();
    const summary = await drive(stack, probes(), { durationMs: 3_000, concurrency: 6 });
    remember(summary);
    report['rabbitmq cut'] = { worstMs: summary.worstMs, byKind: summary.byKind };
    expect(summary.statusesOf('ride write')).toEqual([201]);
    expect(summary.statusesOf('resorts read')).toEqual([200]);
    expect(summary.worstMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);

    await amqp.pass();
    (report['rabbitmq cut'] as Record<string, unknown>).recoveryMs = await recovery(
      stack.urlOf('lift-ride'),
      (d) => d.queue?.status === 'up' && d.rabbitmq?.breaker === 'closed',
      20_000,
      nudge,
    );
  }, 40_000);
});

describe('Postgres blackholed for the services and the worker', () => {
  it('when Postgres hangs, then cached reads answer, uncached ones and profile writes get 503 fast, rides are queued', async () => {
    await postgres.blackhole();
    const summary = await drive(stack, probes(), { durationMs: 5_000, concurrency: 6 });
    remember(summary);
    report['postgres blackhole'] = { worstMs: summary.worstMs, byKind: summary.byKind };
    expect(summary.statusesOf('cached read')).toEqual([200]);
    expect(summary.statusesOf('ride write')).toEqual([201]);
    expect(summary.statusesOf('resorts read')).toEqual([503]);
    expect(summary.statusesOf('profile write')).toEqual([503]);
    expect(summary.refusalsWithoutRetryAfter).toEqual([]);
    expect(summary.worstMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);

    await postgres.pass();
    const recovered = await recovery(
      stack.urlOf('lift-ride-worker'),
      (d) => d.postgres?.breaker === 'closed' && d.consumer?.status === 'up',
      30_000,
    );
    (report['postgres blackhole'] as Record<string, unknown>).recoveryMs = recovered;
    await recovery(
      stack.urlOf('lift-ride'),
      (d) => d.queue?.status === 'up' && d.queue && (d.queue as { queueDepth?: number }).queueDepth === 0,
      30_000,
    );
  }, 60_000);

  it('when every fault is over, then every ride answered 201 during the faults is in Postgres exactly once', async () => {
    const client = new pg.Client({ connectionString: stack.databaseUrlOf('lift-ride') });
    await client.connect();
    try {
      const rides = accepted.map((body) => JSON.parse(body) as { skierID: number; time: number });
      expect(rides.length).toBeGreaterThan(50);
      await waitFor(
        async () => {
          const { rows } = await client.query('SELECT count(*)::int AS n FROM rides WHERE skier_id = ANY($1::int[])', [
            rides.map((r) => r.skierID),
          ]);
          return rows[0].n >= rides.length;
        },
        { timeoutMs: 30_000, message: 'accepted rides missing from Postgres' },
      );
      const { rows } = await client.query('SELECT count(*)::int AS n FROM rides WHERE skier_id = ANY($1::int[])', [
        rides.map((r) => r.skierID),
      ]);
      expect(rows[0].n).toBe(rides.length);
    } finally {
      await client.end();
    }
  }, 40_000);
});
