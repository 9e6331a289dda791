import { startTestStack, type TestStack } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEADLINE_MS, drive, freshRide, MARGIN_MS, type Probe, recovery, report } from './chaos-kit.ts';

// Faults of the project's own processes: signals to the resort and lift-ride services. The supervisor
// does not restart them here, so each fault lasts until the test ends it.
let stack: TestStack;
let skierID: number;

const probes = (): Probe[] => [
  { kind: 'resorts read', method: 'GET', path: () => '/resorts' },
  { kind: 'profile read', method: 'GET', path: () => `/skiers/${skierID}` },
  freshRide(),
];

/** A view of the gateway's internal listener (/health/deps), where operators read breaker states. */
async function json(path: string) {
  const res = await fetch(`${stack.opsUrlOf('gateway')}${path}`);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  stack = await startTestStack({ restart: false });
  const created = await fetch(`${stack.gatewayUrl}/skiers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Steady', passType: 'season' }),
  });
  skierID = ((await created.json()) as { skierID: number }).skierID;
  // Rides at resort 1 warm the lift-ride service's metadata cache before the resort service fails.
  await drive(stack, probes(), { durationMs: 500, concurrency: 2 });
});

afterAll(async () => {
  console.log(`chaos (services): ${JSON.stringify(report, null, 1)}`);
  await stack?.stop();
});

describe('the resort service failing', () => {
  it('when it is SIGSTOPped (hung), then resort reads get 503 within the deadline and rides are still accepted', async () => {
    const resort = stack.supervisor.child('resort');
    resort?.kill('SIGSTOP');
    // Long enough for the breaker to see its volume of failures: each hung call takes the whole deadline.
    const summary = await drive(stack, probes(), { durationMs: 8_000, concurrency: 8 });
    resort?.kill('SIGCONT');
    report['resort hung'] = { worstMs: summary.worstMs, byKind: summary.byKind };
    expect(summary.statusesOf('resorts read')).toEqual([503]);
    expect(summary.statusesOf('ride write')).toEqual([201]);
    expect(summary.statusesOf('profile read')).toEqual([200]);
    expect(summary.refusalsWithoutRetryAfter).toEqual([]);
    expect(summary.worstMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    // Once the breaker opened, resort reads were refused at once.
    const resortReads = summary.outcomes.filter((o) => o.kind === 'resorts read');
    expect(Math.min(...resortReads.map((o) => o.ms))).toBeLessThan(50);

    const recoveryMs = await recovery(
      stack.opsUrlOf('gateway'),
      (d) => d.resort?.breaker === 'closed',
      15_000,
      () => fetch(`${stack.gatewayUrl}/resorts`),
    );
    (report['resort hung'] as Record<string, unknown>).recoveryMs = recoveryMs;
  }, 40_000);

  it('when it is killed, then resort reads fail fast and rides are still accepted; it recovers when restarted', async () => {
    stack.supervisor.child('resort')?.kill('SIGKILL');
    await waitFor(() => stack.supervisor.child('resort') === undefined, { timeoutMs: 5_000 });
    const summary = await drive(stack, probes(), { durationMs: 3_000, concurrency: 4 });
    report['resort killed'] = { worstMs: summary.worstMs, byKind: summary.byKind };
    expect(summary.statusesOf('resorts read')).toEqual([503]);
    expect(summary.statusesOf('ride write')).toEqual([201]);
    expect(summary.byKind['resorts read']?.worstMs).toBeLessThan(500);

    const restarted = Date.now();
    stack.startProcess('resort');
    await recovery(
      stack.opsUrlOf('gateway'),
      (d) => d.resort?.status === 'up',
      30_000,
      () => fetch(`${stack.gatewayUrl}/resorts`),
    );
    (report['resort killed'] as Record<string, unknown>).recoveryMs = Date.now() - restarted;
  }, 60_000);
});

describe('the lift-ride service killed', () => {
  it('when it dies, then profiles degrade, ride writes fail fast, and the breaker opens, rejects at once, half-opens and closes', async () => {
    stack.supervisor.child('lift-ride')?.kill('SIGKILL');
    await waitFor(() => stack.supervisor.child('lift-ride') === undefined, { timeoutMs: 5_000 });
    // The breaker's 10 s window still holds the successes from before: failures must outweigh them.
    const summary = await drive(stack, probes(), { durationMs: 8_000, concurrency: 4 });
    report['lift-ride killed'] = { worstMs: summary.worstMs, byKind: summary.byKind };
    expect(summary.statusesOf('ride write')).toEqual([503]);
    expect(summary.byKind['ride write']?.worstMs).toBeLessThan(500);
    expect(summary.statusesOf('profile read')).toEqual([200]);
    const profile = summary.outcomes.find((o) => o.kind === 'profile read');
    expect(JSON.parse(profile?.body ?? '{}')).toMatchObject({ stats: null, degraded: true });
    expect(summary.refusalsWithoutRetryAfter).toEqual([]);

    // The gateway's breaker for lift-ride is open: visible in /health/deps and in the metrics, and a
    // call is refused without touching the network.
    const deps = await json('/health/deps');
    expect((deps.body.dependencies as Record<string, { breaker: string }>)['lift-ride']?.breaker).toBe('open');
    const metrics = await (await fetch(`${stack.opsUrlOf('gateway')}/metrics`)).text();
    expect(metrics).toMatch(/skico_breaker_state\{[^}]*dependency="lift-ride"[^}]*\} 2/);
    expect(metrics).toMatch(/skico_breaker_transitions_total\{[^}]*dependency="lift-ride"[^}]*to="open"[^}]*\} [1-9]/);
    const started = performance.now();
    const refused = await fetch(`${stack.gatewayUrl}/skiers/1/seasons/2025/days/1/skiers/1`);
    expect(refused.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(50);

    const restarted = Date.now();
    stack.startProcess('lift-ride');
    await waitFor(
      async () =>
        ((await json('/health/deps')).body.dependencies as Record<string, { breaker: string }>)['lift-ride']
          ?.breaker === 'half-open',
      { timeoutMs: 30_000, intervalMs: 50, message: 'breaker did not half-open' },
    );
    await waitFor(
      async () => (await fetch(`${stack.urlOf('lift-ride')}/health/ready`).catch(() => undefined))?.ok === true,
      {
        timeoutMs: 30_000,
      },
    );
    const trial = await fetch(`${stack.gatewayUrl}/resorts/1/seasons/2025/day/1/skiers`);
    expect(trial.status).toBe(200);
    // /health/deps shares its answer for a second: the closed breaker shows within two.
    await waitFor(
      async () =>
        ((await json('/health/deps')).body.dependencies as Record<string, { breaker: string }>)['lift-ride']
          ?.breaker === 'closed',
      { timeoutMs: 2_500, intervalMs: 100, message: 'breaker did not close after the trial' },
    );
    (report['lift-ride killed'] as Record<string, unknown>).recoveryMs = Date.now() - restarted;
  }, 90_000);
});
