import { createHistory, type Fault, type Peer } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, sendRides } from '../pipeline-kit.ts';
import { DEADLINE_MS, judge, type LabStack, lateAnswers, MARGIN_MS, since, startLabStack } from './net-kit.ts';

let env: LabStack;

beforeAll(async () => {
  env = await startLabStack();
}, 120_000);
afterAll(async () => {
  await env?.stop();
});

/** Share of the packets dropped on every link, each way on its own. */
const LOSS = 0.15;
/**
 * Shares of the packets each process sends on a link that are duplicated (the kernel's TEE) and reordered
 * (sent through a slow class, overtaken by the rest). The machine's side of a forwarder cannot be given
 * either without touching the machine's firewall, so for the servers only what a process sends them is.
 */
const DUPLICATED = 0.05;
const REORDERED = 0.1;
/** Rides sent through the lossy system. */
const RIDES = 3_000;
/**
 * After the loss is healed, rides must be answered 201 again, every one of a run of 100, within this.
 * Measured at 3 and 22 ms (the first run after healing all succeeded: the loss left no breaker open); the
 * bound leaves room for a breaker's 3 s reset, had one opened, on a busy machine.
 */
const RECOVERY_BOUND_MS = 5_000;

describe('a whole pipeline run with every process’s links to its dependencies lossy, duplicating and reordering', () => {
  it('loses and doubles no ride, answers within the deadline, and recovers once the loss is healed', async () => {
    const { lab, stack, db, network } = env;
    const host = (name: string) => network.host(name);
    const [amqp] = network.amqp as Peer[];
    const links: Array<[string, string, Peer]> = [
      ['gateway', 'resort', host('resort')],
      ['gateway', 'skier', host('skier')],
      ['gateway', 'lift-ride', host('lift-ride')],
      ['gateway', 'redis', network.redis],
      ['lift-ride', 'rabbitmq', amqp as Peer],
      ['lift-ride', 'redis', network.redis],
      ['lift-ride', 'postgres', network.postgres],
      ['lift-ride', 'resort', host('resort')],
      ['lift-ride-worker', 'rabbitmq', amqp as Peer],
      ['lift-ride-worker', 'postgres', network.postgres],
      ['skier', 'postgres', network.postgres],
    ];
    const faults: Array<[string, 'lost' | 'duplicated' | 'reordered', Fault]> = [];
    const servers = new Set(['redis', 'rabbitmq', 'postgres']);
    for (const [from, to, peer] of links) {
      faults.push([`${from}<->${to}`, 'lost', await lab.loss(host(from), peer, LOSS, 'both')]);
      const senders: Array<[string, string, Peer]> = [[from, to, peer]];
      if (!servers.has(to)) senders.push([to, from, host(from)]);
      for (const [sender, receiver, target] of senders) {
        faults.push([`${sender}->${receiver}`, 'duplicated', await lab.duplicate(host(sender), target, DUPLICATED)]);
        faults.push([`${sender}->${receiver}`, 'reordered', await lab.reorder(host(sender), target, REORDERED)]);
      }
    }
    const t0 = Date.now();

    const history = createHistory();
    // Reads of the resort and skier services alongside, so that the gateway's links to them carry traffic
    // too (and the skier service's to Postgres); their answers must come within the deadline as well.
    let reading = true;
    const reads: Array<{ path: string; status: number | string; ms: number }> = [];
    const reader = async (n: number) => {
      for (; reading; n++) {
        const path = n % 2 ? '/resorts' : `/skiers/${1 + (n % 2_000)}`;
        const startedAt = Date.now();
        const status = await fetch(`${stack.gatewayUrl}${path}`, { signal: AbortSignal.timeout(10_000) })
          .then(async (res) => {
            await res.arrayBuffer();
            return res.status;
          })
          .catch((err: Error) => err.name);
        reads.push({ path, status, ms: Date.now() - startedAt });
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const readers = Promise.all([0, 1].map(reader));
    await sendRides(stack, distinctRides(RIDES, 4404), history, {
      clients: 16,
      // Far above the deadline: a late answer shows up as such, not as an abandoned attempt.
      attemptTimeoutMs: 10_000,
    });
    reading = false;
    await readers;
    const runMs = since(t0);
    const hits: Record<'lost' | 'duplicated' | 'reordered', Record<string, number>> = {
      lost: {},
      duplicated: {},
      reordered: {},
    };
    for (const [name, kind, fault] of faults) hits[kind][name] = await fault.hits();
    await lab.healAll();

    // Recovery: how soon after healing a run of 100 rides is answered 201, each one.
    const healedAt = Date.now();
    const after = history;
    let recoveryMs = Number.NaN;
    // Rides of the same history (its final state must account for them), never sent before.
    const fresh = distinctRides(RIDES + 2_000, 4404).slice(RIDES);
    for (let start = 0; start + 100 <= fresh.length && since(healedAt) < 30_000; start += 100) {
      const batchAt = Date.now();
      const before = after.attempts().length;
      await sendRides(stack, fresh.slice(start, start + 100), after, { clients: 8, attempts: 1 });
      if (
        after
          .attempts()
          .slice(before)
          .every((a) => a.status === 201)
      ) {
        recoveryMs = batchAt - healedAt;
        break;
      }
    }

    const late = lateAnswers(history);
    const readAnswers: Record<string, number> = {};
    for (const r of reads) readAnswers[r.status] = (readAnswers[r.status] ?? 0) + 1;
    const report = await judge('lossy pipeline', history, db, {
      lossShare: LOSS,
      duplicateShare: DUPLICATED,
      reorderShare: REORDERED,
      runMs,
      recoveryMs,
      late: late.length,
      reads: reads.length,
      readAnswers,
      worstReadMs: Math.max(0, ...reads.map((r) => r.ms)),
      hits,
    });
    // The loss landed on every link; copies and reordered packets went out on the links as a whole (a quiet
    // link sends too few packets for 5 % to be sure of one).
    for (const [name, n] of Object.entries(hits.lost)) expect(n, `no packet dropped on ${name}`).toBeGreaterThan(0);
    const total = (kind: keyof typeof hits) => Object.values(hits[kind]).reduce((a, b) => a + b, 0);
    expect(total('duplicated')).toBeGreaterThan(100);
    expect(total('reordered')).toBeGreaterThan(200);
    expect(report.sent).toBeGreaterThanOrEqual(RIDES + 100);
    expect(late.map((a) => `${a.key} ${a.status ?? a.error} ${a.latencyMs} ms`)).toEqual([]);
    expect(reads.filter((r) => r.ms > DEADLINE_MS + MARGIN_MS).map((r) => `${r.path} ${r.status} ${r.ms} ms`)).toEqual(
      [],
    );
    expect(report.worstLatencyMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
  }, 180_000);
});
