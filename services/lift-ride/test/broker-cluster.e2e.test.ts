import { liftRideTopology } from '@skico/contracts';
import { startTestStack, type TestStack } from '@skico/stack';
import { createHistory, type RabbitCluster, type RabbitNode, startRabbitCluster, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  distinctRides,
  expectedVertical,
  inParallel,
  judge,
  liftRideDb,
  postRide,
  rideKeyOf,
  type SentRide,
} from './pipeline-kit.ts';

let cluster: RabbitCluster;
let stack: TestStack;
let db: Awaited<ReturnType<typeof liftRideDb>>;
let queue: string;
/** Every ride the tests of this file sent, for the check that the aggregates count each present ride once. */
const allSent: SentRide[] = [];
/** Every attempt of every test of this file: each test judges the whole file's rides so far. */
const history = createHistory();

beforeAll(async () => {
  cluster = await startRabbitCluster();
  stack = await startTestStack({ settings: { amqpUrl: cluster.urls } });
  db = await liftRideDb(stack);
  queue = liftRideTopology(stack.namespace).queue;
}, 180_000);
afterAll(async () => {
  await db?.close();
  await stack?.stop();
  await cluster?.close();
});

const nodeNamed = (name: string | undefined) => cluster.nodes.find((n) => n.name === name);
const runningElsewhere = (node: RabbitNode) => cluster.nodes.find((n) => n !== node && n.pid()) as RabbitNode;

/** The queue's members and leader as a node of the cluster reports them (3.10: list_queues leader members). */
async function membership(via: RabbitNode) {
  const rows = JSON.parse(
    await cluster.cli('rabbitmqctl', via, [
      'list_queues',
      'name',
      'leader',
      'members',
      'online',
      '--formatter',
      'json',
    ]),
  ) as { name: string; leader: string; members: string[]; online: string[] }[];
  const row = rows.find((r) => r.name === queue);
  if (!row) throw new Error(`${queue} is not on ${via.name}`);
  return row;
}

/**
 * The queue's leader as one node's Raft member knows it. Unlike list_queues, it answers while another node is
 * paused (list_queues then leaves out the queue whose leader does not answer). The Raft cluster of a quorum
 * queue is named after its escaped vhost and its name.
 */
async function leaderSeenBy(node: RabbitNode) {
  const out = await cluster.cli('rabbitmqctl', node, [
    'eval',
    `case ra:members({'%2F_${queue}', node()}, 2000) of {ok, _, {_, L}} -> L; Other -> Other end.`,
  ]);
  return out.trim().replaceAll("'", '');
}

/**
 * 201, or 503 with Retry-After (checked apart), or 504 when the gateway's deadline ran out while the API
 * still waited on the broker and then the fallback: the client retries, and its ride counts once either way.
 */
const answeredAsDesigned = new Set(['201', '503', '504']);

/** The lift-ride API's rides by publish outcome so far (confirmed, failed, fallback). */
async function publishOutcomes() {
  const text = await fetch(`${stack.urlOf('lift-ride')}/metrics`).then((r) => r.text());
  const outcomes: Record<string, number> = {};
  for (const m of text.matchAll(/^skico_publishes_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$/gm))
    outcomes[m[1] as string] = Number(m[2]);
  return outcomes;
}

/**
 * Whether a node holds a connection of the given process (its connection_name). Asks the node about its own
 * connections only: list_connections asks every node and fails while one is paused.
 */
async function holdsConnection(node: RabbitNode, process: string) {
  const out = await cluster.cli(
    'rabbitmqctl',
    node,
    ['eval', '[rabbit_reader:info(P, [client_properties]) || P <- rabbit_networking:local_connections()].'],
    10_000,
  );
  return out.includes(`<<"${process}">>`);
}

/** The node that holds the given process's connection, among the nodes that run. */
async function nodeOfConnection(process: string, among = cluster.nodes) {
  for (const node of among) if (node.pid() && (await holdsConnection(node, process))) return node;
  return undefined;
}

/**
 * Sends rides through the gateway with 32 clients, each retrying a ride that was refused or lost its answer,
 * and runs `fault` once rides flow. Every answer's status is counted; a 503 must carry Retry-After.
 */
async function ridesThrough(rides: SentRide[], fault: (flowing: { created: () => number }) => Promise<void>) {
  const statuses: Record<string, number> = {};
  let created = 0;
  let unavailableWithoutRetryAfter = 0;
  /** When each ride was answered 201, and when its successful request was sent. */
  const createdAt: { sentAt: number; at: number }[] = [];
  const before = await publishOutcomes();
  allSent.push(...rides);
  const sending = inParallel(rides, 32, async (ride) => {
    history.sent(rideKeyOf(ride));
    for (let attempt = 0; attempt < 60; attempt++) {
      const sentAt = Date.now();
      const status = await history.attempt(rideKeyOf(ride), async () => {
        const answer = await postRide(stack, ride);
        if (answer.status === 503 && !answer.retryAfter) unavailableWithoutRetryAfter += 1;
        return answer.status;
      });
      statuses[status ?? 'dropped'] = (statuses[status ?? 'dropped'] ?? 0) + 1;
      if (status === 201) {
        created += 1;
        createdAt.push({ sentAt, at: Date.now() });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  });
  await waitFor(() => created > 300, { timeoutMs: 30_000, message: 'rides to flow' });
  await fault({ created: () => created });
  await sending;
  const after = await publishOutcomes();
  const publishes = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)]));
  return { statuses, unavailableWithoutRetryAfter, createdAt, publishes };
}

/**
 * The history checker over every ride of the file so far (lost, duplicated, unexpected must be none), and the
 * aggregates: they add up to exactly the rides present.
 */
async function judged(name: string) {
  const report = await judge(name, history, db);
  const keys = await db.keys();
  expect(await db.totalVertical()).toBe(expectedVertical(allSent.filter((r) => keys.has(rideKeyOf(r)))));
  return {
    lost: report.lost,
    duplicated: report.duplicated,
    unexpected: report.unexpected,
    recovered: report.recovered,
  };
}

describe('a three-node RabbitMQ cluster under the lift-ride pipeline', () => {
  it('when the stack has declared its queue, then the quorum queue has a member on each node', async () => {
    const row = await membership(cluster.nodes[0] as RabbitNode);
    expect([...row.members].sort()).toEqual(cluster.nodes.map((n) => n.name).sort());
  });

  it('when the node that leads lift-rides.persist is SIGKILLed while rides flow, then rides keep being answered, none answered 201 is lost or counted twice, and the node rejoins when restarted', async () => {
    const rides = distinctRides(6_000, 1701);
    const times = { killedAt: 0, newLeaderMs: 0, rejoinMs: 0 };
    let victim: RabbitNode | undefined;
    const run = await ridesThrough(rides, async () => {
      victim = nodeNamed((await membership(cluster.nodes[0] as RabbitNode)).leader);
      if (!victim) throw new Error('no leader');
      cluster.signal(victim, 'SIGKILL');
      times.killedAt = Date.now();
      const survivor = runningElsewhere(victim);
      await waitFor(
        async () => {
          const leader = nodeNamed(await leaderSeenBy(survivor));
          return leader !== undefined && leader !== victim;
        },
        {
          timeoutMs: 60_000,
          intervalMs: 250,
          message: 'a new leader',
        },
      );
      times.newLeaderMs = Date.now() - times.killedAt;
      const restartedAt = Date.now();
      await cluster.restart(victim);
      const back = victim;
      await waitFor(async () => (await membership(survivor)).online.includes(back.name), {
        timeoutMs: 60_000,
        intervalMs: 500,
        message: 'the restarted node back in the queue',
      });
      times.rejoinMs = Date.now() - restartedAt;
    });
    const firstCreatedAfterKill = run.createdAt
      .filter((c) => c.sentAt >= times.killedAt)
      .reduce((min, c) => Math.min(min, c.at), Number.POSITIVE_INFINITY);
    const figures = {
      sent: rides.length,
      ...(await judged('broker leader SIGKILL')),
      statuses: run.statuses,
      publishes: run.publishes,
      killed: victim?.name,
      failoverMs: firstCreatedAfterKill - times.killedAt,
      newLeaderMs: times.newLeaderMs,
      rejoinMs: times.rejoinMs,
    };
    console.log('broker leader SIGKILL', JSON.stringify(figures));
    // Rides sent after the kill were answered 201 (through the new leader or the fallback).
    expect(figures.failoverMs).toBeLessThan(60_000);
    expect(run.unavailableWithoutRetryAfter).toBe(0);
    expect(Object.keys(run.statuses).filter((s) => !answeredAsDesigned.has(s))).toEqual([]);
    expect(figures.lost).toBe(0);
    expect(figures.unexpected).toBe(0);
    expect((await cluster.runningNodes(cluster.nodes[0] as RabbitNode)).length).toBe(3);
  }, 240_000);

  it('when the leading node is SIGSTOPped for longer than the heartbeat and then continued, then rides keep being answered, none answered 201 is lost or counted twice, and the node is back in the queue', async () => {
    const rides = distinctRides(6_000, 1702).map((r) => ({ ...r, dayID: r.dayID + 10 }));
    const times = { stoppedAt: 0, newLeaderMs: 0, pausedMs: 0, backMs: 0 };
    let victim: RabbitNode | undefined;
    const run = await ridesThrough(rides, async () => {
      victim = nodeNamed((await membership(cluster.nodes[0] as RabbitNode)).leader);
      if (!victim) throw new Error('no leader');
      const survivor = runningElsewhere(victim);
      cluster.signal(victim, 'SIGSTOP');
      times.stoppedAt = Date.now();
      try {
        await waitFor(
          async () => {
            const leader = nodeNamed(await leaderSeenBy(survivor));
            return leader !== undefined && leader !== victim;
          },
          {
            timeoutMs: 60_000,
            intervalMs: 250,
            message: 'a new leader',
          },
        );
        times.newLeaderMs = Date.now() - times.stoppedAt;
        // The services' heartbeat is 5 s: a connection to the paused node is declared dead after about 10 s.
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 15_000 - (Date.now() - times.stoppedAt))));
      } finally {
        cluster.signal(victim, 'SIGCONT');
      }
      times.pausedMs = Date.now() - times.stoppedAt;
      const continuedAt = Date.now();
      const back = victim;
      await waitFor(async () => (await membership(survivor)).online.includes(back.name), {
        timeoutMs: 60_000,
        intervalMs: 500,
        message: 'the continued node back in the queue',
      });
      times.backMs = Date.now() - continuedAt;
    });
    const firstCreatedAfterStop = run.createdAt
      .filter((c) => c.sentAt >= times.stoppedAt)
      .reduce((min, c) => Math.min(min, c.at), Number.POSITIVE_INFINITY);
    const figures = {
      sent: rides.length,
      ...(await judged('broker leader SIGSTOP')),
      statuses: run.statuses,
      publishes: run.publishes,
      paused: victim?.name,
      pausedMs: times.pausedMs,
      failoverMs: firstCreatedAfterStop - times.stoppedAt,
      newLeaderMs: times.newLeaderMs,
      backMs: times.backMs,
    };
    console.log('broker leader SIGSTOP', JSON.stringify(figures));
    // Rides sent after the pause began were answered 201 while the node was still paused.
    expect(figures.failoverMs).toBeLessThan(figures.pausedMs);
    expect(run.unavailableWithoutRetryAfter).toBe(0);
    expect(Object.keys(run.statuses).filter((s) => !answeredAsDesigned.has(s))).toEqual([]);
    expect(figures.lost).toBe(0);
    expect(figures.unexpected).toBe(0);
  }, 240_000);
  it('when the node the services are connected to is SIGSTOPped for longer than the heartbeat, then they reconnect to another node, rides keep being answered, and none answered 201 is lost or counted twice', async () => {
    const rides = distinctRides(6_000, 1703).map((r) => ({ ...r, dayID: r.dayID + 20 }));
    const times = { stoppedAt: 0, pausedMs: 0, reconnectedMs: 0, backMs: 0 };
    let victim: RabbitNode | undefined;
    let wasLeader = false;
    const run = await ridesThrough(rides, async () => {
      const first = cluster.nodes[0] as RabbitNode;
      victim = await nodeOfConnection('lift-ride');
      if (!victim) throw new Error('the lift-ride API has no connection on the cluster');
      wasLeader = (await membership(first)).leader === victim.name;
      const survivor = runningElsewhere(victim);
      const paused = victim;
      cluster.signal(paused, 'SIGSTOP');
      times.stoppedAt = Date.now();
      try {
        const others = cluster.nodes.filter((n) => n !== paused);
        await waitFor(async () => (await nodeOfConnection('lift-ride', others)) !== undefined, {
          timeoutMs: 60_000,
          intervalMs: 250,
          message: 'the lift-ride API connected to another node',
        });
        times.reconnectedMs = Date.now() - times.stoppedAt;
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 15_000 - (Date.now() - times.stoppedAt))));
      } finally {
        cluster.signal(paused, 'SIGCONT');
      }
      times.pausedMs = Date.now() - times.stoppedAt;
      const continuedAt = Date.now();
      await waitFor(async () => (await membership(survivor)).online.includes(paused.name), {
        timeoutMs: 60_000,
        intervalMs: 500,
        message: 'the continued node back in the queue',
      });
      times.backMs = Date.now() - continuedAt;
    });
    const firstCreatedAfterStop = run.createdAt
      .filter((c) => c.sentAt >= times.stoppedAt)
      .reduce((min, c) => Math.min(min, c.at), Number.POSITIVE_INFINITY);
    const figures = {
      sent: rides.length,
      ...(await judged('broker connected node SIGSTOP')),
      statuses: run.statuses,
      publishes: run.publishes,
      paused: victim?.name,
      wasLeader,
      pausedMs: times.pausedMs,
      failoverMs: firstCreatedAfterStop - times.stoppedAt,
      reconnectedMs: times.reconnectedMs,
      backMs: times.backMs,
    };
    console.log('broker connected node SIGSTOP', JSON.stringify(figures));
    expect(figures.failoverMs).toBeLessThan(figures.pausedMs);
    expect(run.unavailableWithoutRetryAfter).toBe(0);
    expect(Object.keys(run.statuses).filter((s) => !answeredAsDesigned.has(s))).toEqual([]);
    expect(figures.lost).toBe(0);
    expect(figures.unexpected).toBe(0);
  }, 240_000);
});
