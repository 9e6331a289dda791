import { randomUUID } from 'node:crypto';
import { startTestStack, type TestStack } from '@skico/stack';
import { uniqueName, waitFor } from '@skico/test-kit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The system scaled out on one machine: two gateways in front of two replicas of each service and three
// workers, every one a real process under the stack's supervisor.
let stack: TestStack;
const report: Record<string, unknown> = {};

beforeAll(async () => {
  stack = await startTestStack({
    scale: { gateway: 2, 'lift-ride': 2, skier: 2, worker: 3 },
    restart: false,
    // A profile's stats budget above a busy machine's pauses: a degraded profile then says that a lift-ride
    // replica was not reached, not that a healthy one was slow.
    settings: { extra: { STATS_TIMEOUT_MS: '1500' } },
  });
}, 90_000);

afterAll(async () => {
  console.log(`replicas: ${JSON.stringify(report, null, 1)}`);
  await stack?.stop();
});

type Breakers = Record<string, { status: string; breaker?: string }>;

/** A gateway's view of its upstream replicas (its /health/deps on the internal listener). */
async function breakersOf(opsUrl: string): Promise<Breakers> {
  const res = await fetch(`${opsUrl}/health/deps`, { signal: AbortSignal.timeout(5_000) });
  return ((await res.json()) as { dependencies: Breakers }).dependencies;
}

/** Requests a process has answered so far (its RED histogram's counts). */
async function answered(url: string): Promise<number> {
  const text = await fetch(`${url}/metrics`).then((r) => r.text());
  return [...text.matchAll(/^http_server_request_duration_seconds_count\{[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  );
}

const READ_SKIER = 699_999;
let profileID = 0;
let rideSequence = 0;
/** Rides and ride reads through both gateways in turn, until stopped; each answer's status is kept. */
function clients(concurrency: number) {
  /** Each request's start (`at`), duration and status (-1: a profile without stats). */
  const statuses: { at: number; ms: number; status: number; kind: string }[] = [];
  let running = true;
  const gateways = stack.replicas('gateway').map((g) => g.url);
  const one = async (n: number) => {
    const skierID = 700_000 + (rideSequence++ % 200_000);
    const kind = (['ride', 'read', 'profile'] as const)[n % 3] as 'ride' | 'read' | 'profile';
    const write = kind === 'ride';
    // Reads ask for the day of a skier whose ride was written before the traffic began; profile reads
    // (skier service, with season stats from a lift-ride replica) for that skier's profile.
    const path =
      kind === 'profile'
        ? `/skiers/${profileID}`
        : `/skiers/2/seasons/2025/days/2/skiers/${write ? skierID : READ_SKIER}`;
    const base = `${gateways[n % gateways.length]}${path}`;
    let status: number;
    const at = Date.now();
    try {
      const res = await fetch(base, {
        method: write ? 'POST' : 'GET',
        headers: write ? { 'content-type': 'application/json' } : {},
        body: write ? JSON.stringify({ time: 1 + (skierID % 360), liftID: 7 }) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
      const body = await res.text();
      status = res.status;
      // A profile without its stats is a degraded answer: the skier service could not reach lift-ride.
      if (kind === 'profile' && status === 200 && (JSON.parse(body) as { degraded?: boolean }).degraded) status = -1;
    } catch {
      status = 0;
    }
    statuses.push({ at, ms: Date.now() - at, status, kind });
  };
  const loops = Array.from({ length: concurrency }, async (_, i) => {
    for (let n = i; running; n += concurrency) await one(n);
  });
  return {
    statuses,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

const failed = (s: { status: number }) => s.status !== 200 && s.status !== 201;
const byStatus = (list: { status: number; kind: string }[]) =>
  list.reduce<Record<string, number>>((acc, s) => {
    const k = `${s.kind} ${s.status}`;
    acc[k] = (acc[k] ?? 0) + 1;
    return acc;
  }, {});

describe('replicas of every stateless process', () => {
  it('when one lift-ride replica is SIGSTOPped, then once its breaker is open in both gateways and both skier replicas the clients get no failed or degraded answer, and after SIGCONT it is used again', async () => {
    const sick = stack.replicas('lift-ride')[1];
    if (!sick) throw new Error('no second lift-ride replica');
    const sickName = `lift-ride@${new URL(sick.url).host}`;
    const gateways = stack.replicas('gateway');
    const day = `${stack.gatewayUrl}/skiers/2/seasons/2025/days/2/skiers/${READ_SKIER}`;
    const first = await fetch(day, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ time: 1, liftID: 3 }),
    });
    expect(first.status).toBe(201);
    await waitFor(async () => (await fetch(day)).status === 200, { timeoutMs: 10_000 });
    const profile = await fetch(`${stack.gatewayUrl}/skiers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: uniqueName('Steady'), passType: 'season' }),
    });
    profileID = ((await profile.json()) as { skierID: number }).skierID;
    const traffic = clients(16);
    // Warm: both replicas serve.
    await waitFor(async () => (await answered(sick.url)) > 20, { timeoutMs: 10_000 });
    const child = stack.supervisor.child(sick.name);
    const stoppedAt = Date.now();
    child?.kill('SIGSTOP');
    try {
      // The fault landed: each gateway's and each skier replica's breaker of that replica opened.
      const allOpen = (watchers: { opsUrl: string }[]) => async () => {
        const views = await Promise.all(watchers.map((w) => breakersOf(w.opsUrl)));
        return views.every((v) => v[sickName]?.breaker === 'open');
      };
      await waitFor(allOpen(gateways), {
        timeoutMs: 40_000,
        intervalMs: 100,
        message: `${sickName} open in both gateways`,
      });
      const gatewaysOpenAt = Date.now();
      // The skier's breakers see only profile reads, each bounded by the stats budget: they open later.
      await waitFor(allOpen(stack.replicas('skier')), {
        timeoutMs: 40_000,
        intervalMs: 100,
        message: `${sickName} open in both skier replicas`,
      });
      const openAt = Date.now();
      // Longer than the breaker's reset time (3 s): its half-open trial is a probe, not a client's request.
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      const windowEnd = Date.now();
      child?.kill('SIGCONT');
      // Requests sent once every breaker was open; those sent before may still end in the hung replica's timeout.
      const inWindow = traffic.statuses.filter((s) => s.at > openAt && s.at <= windowEnd);
      const beforeOpen = traffic.statuses.filter((s) => s.at > stoppedAt && s.at <= openAt);
      report['lift-ride replica SIGSTOPped'] = {
        gatewaysOpenMs: gatewaysOpenAt - stoppedAt,
        failoverMs: openAt - stoppedAt,
        beforeOpen: byStatus(beforeOpen),
        whileOpen: byStatus(inWindow),
        whileOpenWorstMs: Math.max(...inWindow.map((s) => s.ms)),
      };
      expect(inWindow.length).toBeGreaterThan(100);
      expect(inWindow.filter(failed).map((s) => `${s.kind} ${s.status}`)).toEqual([]);
    } finally {
      child?.kill('SIGCONT');
    }
    // Back: its breakers close (a probe succeeds) and it answers requests again.
    const contAt = Date.now();
    await waitFor(
      async () => {
        const views = await Promise.all(gateways.map((g) => breakersOf(g.opsUrl)));
        return views.every((v) => v[sickName]?.breaker === 'closed');
      },
      { timeoutMs: 20_000, intervalMs: 100, message: `${sickName} closed in both gateways` },
    );
    const closedAt = Date.now();
    const before = await answered(sick.url);
    await waitFor(async () => (await answered(sick.url)) > before + 20, { timeoutMs: 10_000 });
    await traffic.stop();
    (report['lift-ride replica SIGSTOPped'] as Record<string, unknown>).recoveryMs = closedAt - contAt;
  }, 90_000);

  it('when one Idempotency-Key is sent concurrently to both gateways, then it has one effect, and the other answer is a replay or 409', async () => {
    const [a, b] = stack.replicas('gateway');
    if (!a || !b) throw new Error('two gateways expected');
    const name = uniqueName('Twin');
    const key = randomUUID();
    const create = (url: string) =>
      fetch(`${url}/skiers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ name, passType: 'season' }),
      }).then(async (res) => ({ status: res.status, replayed: res.headers.get('idempotent-replayed') }));
    const profiles = await Promise.all([create(a.url), create(b.url)]);

    const rideKey = randomUUID();
    const skierID = 950_000 + Math.floor(Math.random() * 40_000);
    const ride = (url: string) =>
      fetch(`${url}/skiers/3/seasons/2025/days/3/skiers/${skierID}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': rideKey },
        body: JSON.stringify({ time: 42, liftID: 9 }),
      }).then(async (res) => ({ status: res.status, replayed: res.headers.get('idempotent-replayed') }));
    const rides = await Promise.all([ride(a.url), ride(b.url)]);
    report['one key, two gateways'] = { profiles, rides };

    for (const answers of [profiles, rides]) {
      expect(answers.filter((x) => x.status === 201 && x.replayed !== 'true')).toHaveLength(1);
      const other = answers.find((x) => !(x.status === 201 && x.replayed !== 'true'));
      expect(other?.status === 409 || (other?.status === 201 && other.replayed === 'true')).toBe(true);
    }
    const skierDb = new pg.Client({ connectionString: stack.databaseUrlOf('skier') });
    const rideDb = new pg.Client({ connectionString: stack.databaseUrlOf('lift-ride') });
    await Promise.all([skierDb.connect(), rideDb.connect()]);
    try {
      const named = await skierDb.query('SELECT skier_id FROM profiles WHERE name = $1', [name]);
      expect(named.rows).toHaveLength(1);
      // The worker writes the ride; its skier-day counts it once.
      await waitFor(
        async () =>
          (await rideDb.query('SELECT 1 FROM skier_days WHERE skier_id = $1 AND resort_id = 3', [skierID])).rows
            .length === 1,
        { timeoutMs: 15_000 },
      );
      const day = await rideDb.query('SELECT rides FROM skier_days WHERE skier_id = $1 AND resort_id = 3', [skierID]);
      expect(day.rows).toEqual([{ rides: 1 }]);
    } finally {
      await Promise.all([skierDb.end(), rideDb.end()]);
    }
  }, 60_000);

  it('when an operator opens the status page of a gateway, then it shows every replica of every service and every worker', async () => {
    const gateway = stack.replicas('gateway')[0];
    const res = await fetch(`${gateway?.opsUrl}/status.json`);
    const report = (await res.json()) as { processes: { name: string; status: string }[] };
    const names = report.processes.map((p) => p.name);
    const expected = ['lift-ride', 'skier', 'lift-ride-worker'].flatMap((name) =>
      stack.replicas(name).map((r) => `${name}@${new URL(r.url).host}`),
    );
    expect(names).toEqual(expect.arrayContaining(['resort', ...expected]));
    expect(expected).toHaveLength(7);
    await waitFor(
      async () => {
        const again = (await (await fetch(`${gateway?.opsUrl}/status.json`)).json()) as typeof report;
        return again.processes.filter((p) => expected.includes(p.name)).every((p) => p.status !== 'down');
      },
      { timeoutMs: 10_000 },
    );
  });
});
