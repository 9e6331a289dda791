import { randomUUID } from 'node:crypto';
import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Every process's /metrics after real traffic, and one request id followed through every log it reaches:
// gateway, lift-ride API, the queue, the worker, and the skier → lift-ride hop.

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The samples of a Prometheus text exposition (enough of the format for prom-client's output). */
function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key as string] = value as string;
    }
    samples.push({ name: match[1] as string, labels, value: Number(match[3]) });
  }
  return samples;
}

let stack: TestStack;
const DELIVERY_LIMIT = 2;
const RIDES = 20;
const POISON_SKIER = 880_001;
const run = randomUUID().slice(0, 8);

async function metricsOf(process: string) {
  const res = await fetch(`${stack.opsUrlOf(process)}/metrics`);
  expect(res.status).toBe(200);
  const samples = parseMetrics(await res.text());
  /** The value of one series; undefined when the process does not expose it. */
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
  return { samples, value };
}

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${stack.gatewayUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** A trigger in this stack's database that makes every insert of one skier fail: a message that cannot persist. */
async function poisonSkier(skierID: number) {
  const admin = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:5432/${stack.database}` });
  await admin.connect();
  try {
    await admin.query(`
      CREATE OR REPLACE FUNCTION lift_ride.poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'poison ride for skier %', NEW.skier_id; END $$;
      CREATE TRIGGER poison BEFORE INSERT ON lift_ride.rides FOR EACH ROW
        WHEN (NEW.skier_id = ${skierID}) EXECUTE FUNCTION lift_ride.poison();`);
  } finally {
    await admin.end();
  }
}

/** The log lines of one process (the stack prefixes each with its name) that carry a request id. */
const linesWith = (process: string, requestId: string) =>
  stack.logs().filter((line) => line.startsWith(`${process}: `) && line.includes(requestId));

beforeAll(async () => {
  stack = await startTestStack({
    settings: {
      logLevel: 'debug',
      extra: { QUEUE_DELIVERY_LIMIT: String(DELIVERY_LIMIT) },
      // The worker's per-batch line (with the request ids of its messages) is at debug level.
      rewrite: (name, env) => (name === 'lift-ride-worker' ? { ...env, LOG_LEVEL: 'debug' } : env),
    },
  });
  await poisonSkier(POISON_SKIER);
});
afterAll(async () => {
  await stack?.stop();
});

describe('metrics of every process', () => {
  it('when rides, reads and keyed requests went through, then each /metrics exposes its series with values that match', async () => {
    for (let i = 0; i < RIDES; i++) {
      const res = await post(`/skiers/3/seasons/2025/days/2/skiers/${870_000 + i}`, { time: 10 + i, liftID: 7 });
      expect(res.status).toBe(201);
    }
    // A keyed ride three times: stored, replayed, and reused with another body (422).
    const key = `obs-${run}`;
    const keyed = `/skiers/3/seasons/2025/days/2/skiers/870999`;
    expect((await post(keyed, { time: 1, liftID: 2 }, { 'idempotency-key': key })).status).toBe(201);
    const replay = await post(keyed, { time: 1, liftID: 2 }, { 'idempotency-key': key });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await post(keyed, { time: 2, liftID: 2 }, { 'idempotency-key': key })).status).toBe(422);
    // Reads: a day being written (misses: invalidations keep it from the cache for a few seconds), and a
    // day with no rides twice (a miss, then a hit on the cached "not found").
    const day = `${stack.gatewayUrl}/skiers/3/seasons/2025/days/2/skiers/870000`;
    await waitFor(async () => (await fetch(day)).status === 200, { timeoutMs: 10_000, message: 'ride persisted' });
    const empty = `${stack.gatewayUrl}/skiers/3/seasons/2025/days/3/skiers/879999`;
    expect((await fetch(empty)).status).toBe(404);
    expect((await fetch(empty)).status).toBe(404);

    const worker = await metricsOf('lift-ride-worker');
    await waitFor(
      async () =>
        ((await metricsOf('lift-ride-worker')).value('skico_worker_messages_total', { outcome: 'ack' }) ?? 0) >=
        RIDES + 1,
      { timeoutMs: 10_000, message: 'every ride acked' },
    );

    const gateway = await metricsOf('gateway');
    expect(gateway.value('skico_idempotency_total', { outcome: 'stored' })).toBeGreaterThanOrEqual(1);
    expect(gateway.value('skico_idempotency_total', { outcome: 'replayed' })).toBeGreaterThanOrEqual(1);
    expect(gateway.value('skico_idempotency_total', { outcome: 'reused' })).toBeGreaterThanOrEqual(1);
    expect(gateway.value('skico_idempotency_total', { outcome: 'conflict' })).toBe(0);
    expect(gateway.value('skico_shed_total')).toBe(0);
    expect(gateway.value('skico_rate_limited_total', { class: 'ride' })).toBe(0);
    expect(gateway.value('skico_requests_in_flight')).toBeGreaterThanOrEqual(0);
    for (const dependency of ['resort', 'skier', 'lift-ride', 'redis']) {
      expect(gateway.value('skico_breaker_state', { dependency }), dependency).toBe(0);
    }
    expect(
      gateway.value('http_server_request_duration_seconds_count', {
        route: '/skiers/:resortID/seasons/:seasonID/days/:dayID/skiers/:skierID',
        method: 'POST',
        status: '201',
      }),
    ).toBeGreaterThanOrEqual(RIDES);

    const api = await metricsOf('lift-ride');
    const queue = `${stack.namespace}lift-rides.persist`;
    const deadQueue = `${stack.namespace}lift-rides.dead`;
    expect(api.value('skico_publishes_total', { outcome: 'confirmed' })).toBeGreaterThanOrEqual(RIDES + 1);
    expect(api.value('skico_publishes_total', { outcome: 'failed' })).toBe(0);
    expect(api.value('skico_publishes_total', { outcome: 'fallback' })).toBe(0);
    expect(api.value('skico_queue_depth', { queue })).toBeGreaterThanOrEqual(0);
    expect(api.value('skico_dead_letters', { queue: deadQueue })).toBe(0);
    expect(api.value('skico_cache_requests_total', { result: 'miss' })).toBeGreaterThanOrEqual(1);
    expect(api.value('skico_cache_requests_total', { result: 'hit' })).toBeGreaterThanOrEqual(1);
    expect(api.value('skico_cache_requests_total', { result: 'bypass' })).toBe(0);
    expect(api.value('skico_pg_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(api.value('skico_pg_pool_connections', { state: 'waiting' })).toBe(0);
    for (const dependency of ['postgres', 'redis', 'rabbitmq', 'resort']) {
      expect(api.value('skico_breaker_state', { dependency }), dependency).toBe(0);
    }

    const after = await metricsOf('lift-ride-worker');
    expect(after.value('skico_worker_messages_total', { outcome: 'reject' })).toBe(0);
    const batches = after.value('skico_worker_batch_size_count') ?? 0;
    expect(batches).toBeGreaterThanOrEqual(1);
    // Every acked ride sits in exactly one committed batch.
    expect(after.value('skico_worker_batch_size_sum')).toBeGreaterThanOrEqual(RIDES + 1);
    expect(after.value('skico_worker_batch_duration_seconds_count')).toBe(batches);
    expect(after.value('skico_worker_lag_seconds_count')).toBe(batches);
    // Lag is measured from the publish time: seconds at most here, never negative or absurd.
    const lagSum = after.value('skico_worker_lag_seconds_sum') ?? -1;
    expect(lagSum).toBeGreaterThanOrEqual(0);
    expect(lagSum / batches).toBeLessThan(10);
    expect(after.value('skico_queue_depth', { queue })).toBeGreaterThanOrEqual(0);
    expect(after.value('skico_dead_letters', { queue: deadQueue })).toBe(0);
    expect(after.value('skico_pg_pool_connections', { state: 'total' })).toBeGreaterThanOrEqual(1);
    expect(after.value('skico_breaker_state', { dependency: 'postgres' })).toBe(0);
    expect(worker.value('skico_worker_messages_total', { outcome: 'retry' })).toBe(0);

    for (const process of ['resort', 'skier']) {
      const m = await metricsOf(process);
      expect(m.value('skico_pg_pool_connections', { state: 'idle' }), process).toBeGreaterThanOrEqual(0);
      expect(m.value('skico_breaker_state', { dependency: 'postgres' }), process).toBe(0);
      expect(m.value('nodejs_eventloop_lag_p99_seconds'), process).toBeGreaterThanOrEqual(0);
    }
  });

  it('when a message keeps failing in the worker, then retries and the dead letter show in the metrics', async () => {
    const res = await post(`/skiers/4/seasons/2025/days/1/skiers/${POISON_SKIER}`, { time: 5, liftID: 3 });
    expect(res.status).toBe(201);
    const deadQueue = `${stack.namespace}lift-rides.dead`;
    await waitFor(
      async () => (await metricsOf('lift-ride-worker')).value('skico_dead_letters', { queue: deadQueue }) === 1,
      {
        timeoutMs: 20_000,
        intervalMs: 200,
        message: 'the poison ride dead-lettered',
      },
    );
    const worker = await metricsOf('lift-ride-worker');
    expect(worker.value('skico_worker_messages_total', { outcome: 'retry' })).toBeGreaterThanOrEqual(DELIVERY_LIMIT);
    expect((await metricsOf('lift-ride')).value('skico_dead_letters', { queue: deadQueue })).toBe(1);
  });
});

describe('request ids in the logs', () => {
  it('when a ride carries X-Request-Id, then the gateway, the lift-ride API and the worker log lines with it', async () => {
    const requestId = `trace-ride-${run}`;
    const res = await post(
      `/skiers/5/seasons/2025/days/3/skiers/871234`,
      { time: 42, liftID: 9 },
      { 'x-request-id': requestId },
    );
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe(requestId);
    await waitFor(() => linesWith('lift-ride-worker', requestId).length > 0, {
      timeoutMs: 10_000,
      message: 'the worker logging the ride',
    });
    for (const process of ['gateway', 'lift-ride']) {
      const lines = linesWith(process, requestId).map((l) => JSON.parse(l.slice(process.length + 2)));
      expect(lines.length, process).toBeGreaterThan(0);
      expect(
        lines.every((l) => l.requestId === requestId),
        process,
      ).toBe(true);
    }
    const [batch] = linesWith('lift-ride-worker', requestId).map((l) =>
      JSON.parse(l.slice('lift-ride-worker: '.length)),
    );
    expect(batch).toMatchObject({ level: 'debug', msg: 'batch written' });
    expect(batch.requestIds).toContain(requestId);
  });

  it('when a message of a request fails in the worker, then its warning carries the request id', async () => {
    const requestId = `trace-poison-${run}`;
    const res = await post(
      `/skiers/4/seasons/2025/days/2/skiers/${POISON_SKIER}`,
      { time: 6, liftID: 3 },
      { 'x-request-id': requestId },
    );
    expect(res.status).toBe(201);
    await waitFor(() => linesWith('lift-ride-worker', requestId).some((l) => l.includes('"level":"warn"')), {
      timeoutMs: 10_000,
      message: 'the worker warning about the message',
    });
    const warning = linesWith('lift-ride-worker', requestId)
      .map((l) => JSON.parse(l.slice('lift-ride-worker: '.length)))
      .find((l) => l.level === 'warn');
    expect(warning).toMatchObject({ requestId, msg: 'message failed; it is retried up to the delivery limit' });
    expect(warning.messageId).toBeDefined();
  });

  it('when a profile read composes stats, then the skier service and the lift-ride service log the same request id', async () => {
    const created = await post('/skiers', { name: 'Traced', passType: 'season' });
    expect(created.status).toBe(201);
    const { skierID } = (await created.json()) as { skierID: number };
    const requestId = `trace-profile-${run}`;
    const res = await fetch(`${stack.gatewayUrl}/skiers/${skierID}`, { headers: { 'x-request-id': requestId } });
    expect(res.status).toBe(200);
    // Each process's lines reach the stack through a pipe: wait for all three.
    await waitFor(() => ['gateway', 'skier', 'lift-ride'].every((p) => linesWith(p, requestId).length > 0), {
      message: 'the profile read logged by the gateway, the skier service and the lift-ride service',
    });
  });
});
