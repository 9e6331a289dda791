import { liftRideTopology } from '@skico/contracts';
import { createHistory, type RabbitCluster, type RabbitNode, startRabbitCluster, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distinctRides, sendRides } from '../pipeline-kit.ts';
import { DEADLINE_MS, judge, type LabStack, lateAnswers, MARGIN_MS, metric, since, startLabStack } from './net-kit.ts';

let cluster: RabbitCluster;
let env: LabStack;
let queue: string;

beforeAll(async () => {
  cluster = await startRabbitCluster();
  env = await startLabStack({ settings: { amqpUrl: cluster.urls } });
  queue = liftRideTopology(env.stack.namespace).queue;
}, 180_000);
afterAll(async () => {
  await env?.stop();
  await cluster?.close();
});

/** Share of the packets dropped, each way, between the lift-ride processes and every broker node. */
const LOSS = 0.25;
/**
 * After the loss ends (the killed node being back in the queue by then), the API must be publishing through
 * the broker again and the worker draining the queue within this. Measured 0.1-2 s (the connections mostly
 * survive the loss; one that was declared dead reconnects after a 1-2 s backoff); bound with headroom.
 */
const RECOVERY_BOUND_MS = 15_000;

const nodeNamed = (name: string | undefined) => cluster.nodes.find((n) => n.name === name);

/** The queue's leader and online members, as a node of the cluster reports them. */
async function membership(via: RabbitNode) {
  const rows = JSON.parse(
    await cluster.cli('rabbitmqctl', via, ['list_queues', 'name', 'leader', 'online', '--formatter', 'json']),
  ) as { name: string; leader: string; online: string[] }[];
  const row = rows.find((r) => r.name === queue);
  if (!row) throw new Error(`${queue} is not on ${via.name}`);
  return row;
}

/** The queue's leader as one node's Raft member knows it (answers while another node is down). */
async function leaderSeenBy(node: RabbitNode) {
  const out = await cluster.cli('rabbitmqctl', node, [
    'eval',
    `case ra:members({'%2F_${queue}', node()}, 2000) of {ok, _, {_, L}} -> L; Other -> Other end.`,
  ]);
  return out.trim().replaceAll("'", '');
}

describe('a broker node lost while the links to the broker drop packets', () => {
  it('when the node leading the queue is SIGKILLed under 25 % loss, then answers stay within the deadline, no ride is lost or counted twice, and the pipeline recovers after the loss ends', async () => {
    const { lab, stack, db, network } = env;
    const api = stack.urlOf('lift-ride');
    const worker = stack.urlOf('lift-ride-worker');
    const confirmed = () => metric(api, 'skico_publishes_total', 'outcome="confirmed"');
    const fallback = () => metric(api, 'skico_publishes_total', 'outcome="fallback"');
    const acked = () => metric(worker, 'skico_worker_messages_total', 'outcome="ack"');
    const history = createHistory();
    let sending = true;
    const flow = sendRides(stack, distinctRides(40_000, 7001), history, {
      clients: 8,
      pauseMs: 20,
      attemptTimeoutMs: 10_000,
      stop: () => !sending,
    });
    await waitFor(async () => (await acked()) > 100, { timeoutMs: 30_000, message: 'rides are not flowing' });

    // Loss between each lift-ride process and every broker node: the API's links first, then the worker's.
    const faults = [];
    for (const process of ['lift-ride', 'lift-ride-worker'])
      for (const node of network.amqp) faults.push(await lab.loss(network.host(process), node, LOSS));
    const t0 = Date.now();
    const fallbackBefore = await fallback();
    const confirmedBefore = await confirmed();
    // The loss alone for a while: connections and confirms must already live with it.
    await new Promise((resolve) => setTimeout(resolve, 5_000));

    const first = cluster.nodes[0] as RabbitNode;
    const victim = nodeNamed((await membership(first)).leader);
    if (!victim) throw new Error('the queue has no leader');
    const survivor = cluster.nodes.find((n) => n !== victim) as RabbitNode;
    cluster.signal(victim, 'SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      async () => {
        const leader = nodeNamed(await leaderSeenBy(survivor));
        return leader !== undefined && leader !== victim;
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'no new leader was elected' },
    );
    const newLeaderMs = since(killedAt);
    const confirmedAtNewLeader = await confirmed();
    // Rides keep flowing with one node gone and the loss still on.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await cluster.restart(victim);
    await waitFor(async () => (await membership(survivor)).online.includes(victim.name), {
      timeoutMs: 60_000,
      intervalMs: 500,
      message: 'the restarted node never came back in the queue',
    });
    const rejoinMs = since(killedAt);
    const hits = await Promise.all(faults.map((f) => f.hits()));
    const fallbackDuring = (await fallback()) - fallbackBefore;
    const confirmedDuring = (await confirmed()) - confirmedBefore;
    const confirmedAfterKill = (await confirmed()) - confirmedAtNewLeader;

    for (const f of faults) await f.heal();
    const healedAt = Date.now();
    const confirmedAtHeal = await confirmed();
    const ackedAtHeal = await acked();
    await waitFor(async () => (await confirmed()) > confirmedAtHeal && (await acked()) > ackedAtHeal, {
      timeoutMs: 60_000,
      intervalMs: 100,
      message: 'the pipeline never published and consumed again after the loss ended',
    });
    const recoveryMs = since(healedAt);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    sending = false;
    await flow;

    const late = lateAnswers(history);
    const report = await judge('broker node loss during packet loss', history, db, {
      faultMs: healedAt - t0,
      killed: victim.name,
      newLeaderMs,
      rejoinMs,
      droppedPackets: hits,
      confirmedDuring,
      confirmedAfterKill,
      fallbackDuring,
      recoveryMs,
      late: late.length,
    });
    // The faults landed: each process's links to the broker dropped packets (a process talks to one node at
    // a time, so some links carry nothing), and the leader was killed and replaced.
    const perNode = network.amqp.length;
    expect(hits.slice(0, perNode).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(hits.slice(perNode).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(newLeaderMs).toBeGreaterThan(0);
    // Rides went through the broker or its fallback while the faults lasted.
    expect(confirmedDuring + fallbackDuring).toBeGreaterThan(100);
    expect(late.map((a) => `${a.key} ${a.status ?? a.error} ${a.latencyMs} ms`)).toEqual([]);
    expect(report.worstLatencyMs).toBeLessThanOrEqual(DEADLINE_MS + MARGIN_MS);
    expect(recoveryMs).toBeLessThan(RECOVERY_BOUND_MS);
  }, 240_000);
});
