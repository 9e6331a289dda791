import type { Fault } from '@skico/test-kit';
import { createHistory } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, seeded, sendRides } from '../pipeline-kit.ts';
import { DEADLINE_MS, judge, type LabStack, MARGIN_MS, since, startLabStack } from './net-kit.ts';

let env: LabStack;

beforeAll(async () => {
  env = await startLabStack();
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/** The gateway's retry budget (gatewayResilience.retryBudget of the gateway): over a 10 s window. */
const RETRY_BUDGET = { ratio: 0.1, minPerWindow: 10 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * After the last fault heals, every answer must succeed again and every breaker of the gateway be closed
 * within this. Measured at 18 to 40 ms: the loss shows as TCP retransmissions (latency), not as failures
 * enough to open a breaker, so recovery is the answers in flight finishing. The bound leaves room for a
 * breaker's 3 s reset and one trial call, had one opened, on a busy machine.
 */
const RECOVERY_BOUND_MS = 5_000;
/** How long each fault lasts. */
const PHASE_MS = 15_000;

type Phase = 'before' | 'loss' | 'delay' | 'one-way loss' | 'healed';

interface ReadAnswer {
  kind: string;
  status: number | string;
  startedAt: number;
  ms: number;
}

/**
 * The gateway's calls to its upstreams, as its /metrics count them (every upstream summed), read at once.
 * Its ops listener shares the gateway's link, so a scrape may be slow while the link is shaped.
 */
async function calls(ops: string) {
  const at = Date.now();
  const text = await fetch(`${ops}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text());
  const count = (kind: string) => {
    let sum = 0;
    for (const line of text.split('\n'))
      if (line.startsWith('skico_upstream_calls_total{') && line.includes(`kind="${kind}"`))
        sum += Number(line.split(' ').at(-1));
    return sum;
  };
  // The gateway counted between `at` and `end`.
  return { at, end: Date.now(), first: count('first'), retry: count('retry'), refused: count('refused') };
}
type Calls = Awaited<ReturnType<typeof calls>>;

/**
 * The retry budget's promise, checked on samples of the counters: a retry is taken only while the retries
 * of the budget's window (its last 9 to 10 buckets of a second) stay under `minPerWindow + ratio × first
 * attempts` of that window. So between two samples whose scrapes span at most 9 s, the retries are at most
 * minPerWindow + 1 + ratio × the first attempts counted since a sample scraped at least 10 s before the
 * earlier one. Returns the stretches that break it.
 */
function budgetBreaches(samples: Calls[], checked = { stretches: 0 }) {
  const { ratio, minPerWindow } = RETRY_BUDGET;
  const breaches: string[] = [];
  for (const [j, from] of samples.entries()) {
    const base = [...samples].reverse().find((s) => s.end <= from.at - 10_000) ?? samples[0];
    if (!base || base.end > from.at - 10_000) continue;
    for (const to of samples.slice(j + 1)) {
      if (to.end - from.at > 9_000) break;
      checked.stretches += 1;
      const retries = to.retry - from.retry;
      const allowed = minPerWindow + 1 + ratio * (to.first - base.first);
      if (retries > allowed) breaches.push(`${retries} retries > ${allowed.toFixed(1)} at +${to.at - from.at} ms`);
    }
  }
  return breaches;
}

/** How many stretches of samples the budget check covers (a figure: the check did look at something). */
function budgetStretches(samples: Calls[]) {
  const checked = { stretches: 0 };
  budgetBreaches(samples, checked);
  return checked.stretches;
}

describe('the gateway’s links to the services: loss, queueing delay, one-way loss, then healed', () => {
  it('answers every request within the deadline, retries within the budget, loses or doubles no ride, and recovers', async () => {
    const { lab, stack, db, network } = env;
    const ops = stack.opsUrlOf('gateway');
    const gateway = network.host('gateway');
    const services = ['resort', 'skier', 'lift-ride'].map((name) => network.host(name));
    const phases: Array<[Phase, number]> = [['before', 0]];
    const enter = (next: Phase) => phases.push([next, Date.now()]);
    let sending = true;

    // Rides: the retrying client, each attempt in the history.
    const history = createHistory();
    const rides = sendRides(stack, distinctRides(40_000, 3303), history, {
      clients: 6,
      pauseMs: 20,
      // Far above the deadline: a late answer shows up as such, not as an abandoned attempt.
      attemptTimeoutMs: 10_000,
      stop: () => !sending,
    });

    // Reads of every upstream: resorts (resort), a skier's day (lift-ride), a profile (skier).
    const reads: ReadAnswer[] = [];
    const rand = seeded(33);
    const probes: Array<[string, () => string]> = [
      ['resorts', () => '/resorts'],
      ['skier day', () => `/skiers/${rand(1, 10)}/seasons/2025/days/${rand(1, 3)}/skiers/${rand(1, 2_000)}`],
      ['vertical', () => `/skiers/${rand(1, 2_000)}/vertical?resort=${rand(1, 10)}`],
      ['profile', () => `/skiers/${rand(1, 2_000)}`],
    ];
    const reader = async (offset: number) => {
      for (let n = offset; sending; n++) {
        const [kind, path] = probes[n % probes.length] as [string, () => string];
        const startedAt = Date.now();
        const status = await fetch(`${stack.gatewayUrl}${path()}`, { signal: AbortSignal.timeout(10_000) })
          .then(async (res) => {
            await res.arrayBuffer();
            return res.status;
          })
          .catch((err: Error) => err.name);
        reads.push({ kind, status, startedAt, ms: Date.now() - startedAt });
        await sleep(20);
      }
    };
    const readers = Promise.all([0, 1, 2, 3, 4, 5, 6, 7].map(reader));

    // The gateway's call counters, once a second.
    const samples: Calls[] = [await calls(ops)];
    const sampler = (async () => {
      while (sending) {
        await sleep(1_000);
        // A scrape that fails leaves a gap: the budget is checked on the samples there are.
        const sample = await calls(ops).catch(() => undefined);
        if (sample) samples.push(sample);
      }
    })();

    await sleep(5_000);
    const hits: Record<string, number> = {};
    const landed = async (name: string, faults: Fault[]) => {
      let sum = 0;
      for (const f of faults) sum += await f.hits();
      hits[name] = sum;
      for (const f of faults) await f.heal();
    };

    // (a) 30 % loss each way between the gateway and every service.
    enter('loss');
    const lossAt = await calls(ops);
    const loss = await Promise.all(services.map((s) => lab.loss(gateway, s, 0.3)));
    await sleep(PHASE_MS);
    await landed('loss', loss);
    const lossEnd = await calls(ops);

    // (b) Queueing delay: the gateway's link limited to 1 Mbit/s each way with up to 300 ms of queue.
    enter('delay');
    const shaped = [await lab.shape(gateway, 1_000, 300)];
    await sleep(PHASE_MS);
    await landed('delay', shaped);

    // (c) One-way loss: 40 % of the packets from the services to the gateway dropped, none the other way.
    enter('one-way loss');
    const oneWay = await Promise.all(services.map((s) => lab.loss(s, gateway, 0.4, 'to')));
    await sleep(PHASE_MS);
    await landed('oneWay', oneWay);
    const faultsEnd = await calls(ops);

    // Healed: how soon every breaker of the gateway is closed again.
    enter('healed');
    const healedAt = phases.at(-1)?.[1] ?? Date.now();
    const closed = async () => {
      const deps = await fetch(`${ops}/health/deps`, { signal: AbortSignal.timeout(1_000) })
        .then((r) => r.json() as Promise<{ dependencies: Record<string, { status: string; breaker?: string }> }>)
        .catch(() => undefined);
      return !!deps && Object.values(deps.dependencies).every((d) => d.status === 'up' && d.breaker === 'closed');
    };
    while (!(await closed()) && since(healedAt) < 30_000) await sleep(100);
    const breakersClosedMs = since(healedAt);
    // A stretch of answers after recovery, to show that all of them succeed.
    await sleep(Math.max(RECOVERY_BOUND_MS - breakersClosedMs, 0) + 3_000);
    sending = false;
    await Promise.all([rides, readers, sampler]);

    const ok = (s: number | string) => s === 200 || s === 404 || s === 201;
    const answers = [
      ...reads.map((r) => ({ ...r, label: `${r.kind} ${r.status}` })),
      ...history.attempts().map((a) => ({
        startedAt: a.startedAt,
        ms: a.latencyMs,
        status: a.status ?? a.error ?? 'none',
        label: `ride ${a.key} ${a.status ?? a.error}`,
      })),
    ];
    const failedAfterHeal = answers.filter((a) => a.startedAt >= healedAt && !ok(a.status));
    const lastFailureMs = Math.max(0, ...failedAfterHeal.map((a) => a.startedAt + a.ms - healedAt));
    const recoveryMs = Math.max(breakersClosedMs, lastFailureMs);
    // Per phase: the answers by status and the slowest (rides by when their attempt started).
    const phaseAt = (t: number): Phase => [...phases].reverse().find(([, at]) => t >= at)?.[0] ?? 'before';
    const byPhase: Record<string, { answers: Record<string, number>; medianMs: number; worstMs: number }> = {};
    const latencies: Record<string, number[]> = {};
    for (const a of answers) {
      const name = phaseAt(a.startedAt);
      const entry = byPhase[name] ?? { answers: {}, medianMs: 0, worstMs: 0 };
      byPhase[name] = entry;
      entry.answers[a.status] = (entry.answers[a.status] ?? 0) + 1;
      entry.worstMs = Math.max(entry.worstMs, a.ms);
      const list = latencies[name] ?? [];
      latencies[name] = list;
      list.push(a.ms);
    }
    for (const [name, ms] of Object.entries(latencies)) {
      const entry = byPhase[name];
      if (entry) entry.medianMs = ms.sort((x, y) => x - y)[Math.floor(ms.length / 2)] ?? 0;
    }
    const tail = answers.filter((a) => a.startedAt >= healedAt + RECOVERY_BOUND_MS);
    const worstReadMs = Math.max(0, ...reads.map((r) => r.ms));
    const last = samples.at(-1) as Calls;
    const retries = { during: faultsEnd.retry - lossAt.retry, loss: lossEnd.retry - lossAt.retry };

    // The gateway's own measure of its slowest answer per route, next to the clients'.
    const gatewayMaxMs = await fetch(`${stack.gatewayUrl}/statistics`)
      .then((r) => r.json() as Promise<{ endpointStats: Array<{ URL: string; operation: string; max: number }> }>)
      .then((b) => Object.fromEntries(b.endpointStats.map((e) => [`${e.operation} ${e.URL}`, e.max])))
      .catch(() => ({}));
    const report = await judge('gateway links', history, db, {
      gatewayMaxMs,
      slowest: [...answers]
        .sort((x, y) => y.ms - x.ms)
        .slice(0, 5)
        .map((a) => `${a.label} ${a.ms} ms at ${phaseAt(a.startedAt)}`),
      reads: reads.length,
      byPhase,
      worstReadMs,
      firstCalls: last.first,
      retries: last.retry,
      retriesDuringFaults: retries.during,
      retriesDuringLoss: retries.loss,
      refusedRetries: last.refused,
      budgetStretchesChecked: budgetStretches(samples),
      breakersClosedMs,
      recoveryMs,
      hits,
    });

    // The faults landed: packets dropped by each loss, held back by the shaper.
    expect(hits.loss).toBeGreaterThan(0);
    expect(hits.delay).toBeGreaterThan(0);
    expect(hits.oneWay).toBeGreaterThan(0);
    // The queueing delay showed in the answers: a median of 174 ms against 11 ms once healed, measured.
    expect(byPhase.delay?.medianMs).toBeGreaterThan(3 * (byPhase.healed?.medianMs ?? 0));
    // Every answer, read or ride, within the deadline plus the margin.
    const late = answers.filter((a) => a.ms > DEADLINE_MS + MARGIN_MS);
    expect(late.map((a) => `${a.label} ${a.ms} ms at ${phaseAt(a.startedAt)}`)).toEqual([]);
    expect(report.worstLatencyMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    // The gateway never retried more than its budget lets it. Retries are printed, not required: loss shows
    // up as TCP retransmission and a call that runs out of its deadline is not retried, so a run makes only
    // 2-5 of them (measured over six runs), and one with none would say nothing against the promise.
    expect(budgetStretches(samples)).toBeGreaterThan(100);
    expect(budgetBreaches(samples)).toEqual([]);
    // Recovered within the bound, and every answer after it succeeded.
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
    expect(tail.length).toBeGreaterThan(50);
    expect(tail.filter((a) => !ok(a.status)).map((a) => a.label)).toEqual([]);
  }, 180_000);
});
