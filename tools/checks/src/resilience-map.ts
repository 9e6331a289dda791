import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@skico/config';
import { gatewayConfigSchema, gatewayResilience, upstreamCapacity } from '@skico/gateway';
import { liftRideConfigSchema, liftRideDependencies, replicaReads } from '@skico/lift-ride';
import { CALLS_PER_CONNECTION } from '@skico/pg';
import type { BreakerOptions } from '@skico/resilience';
import { resortDependencies } from '@skico/resort';
import { skierConfigSchema, skierDependencies } from '@skico/skier';
import { repoRoot } from '@skico/stack';

/** The defaults every process starts with: the map is rendered for these. */
export const defaults = {
  gateway: loadConfig(gatewayConfigSchema, {}),
  liftRide: loadConfig(liftRideConfigSchema, {}),
  skier: loadConfig(skierConfigSchema, {}),
};

/** Each process's breakers with the capacities its composition.ts applies from its config. */
export const resilienceMap: Record<string, BreakerOptions[]> = {
  gateway: [
    ...(['resort', 'skier', 'lift-ride'] as const).map((n) => ({
      ...gatewayResilience.breakers[n],
      capacity: upstreamCapacity(defaults.gateway),
    })),
    gatewayResilience.breakers.redis,
  ],
  'lift-ride (API and worker)': [
    { ...liftRideDependencies.postgres, capacity: CALLS_PER_CONNECTION * defaults.liftRide.PG_POOL_MAX },
    {
      ...liftRideDependencies['postgres-replica'],
      capacity: CALLS_PER_CONNECTION * defaults.liftRide.PG_POOL_MAX,
    },
    liftRideDependencies.redis,
    liftRideDependencies.rabbitmq,
    { ...liftRideDependencies.fallback, capacity: defaults.liftRide.FALLBACK_CONCURRENCY },
    liftRideDependencies.resort,
  ],
  skier: [
    { ...skierDependencies.postgres, capacity: CALLS_PER_CONNECTION * defaults.skier.PG_POOL_MAX },
    { ...skierDependencies['postgres-replica'], capacity: CALLS_PER_CONNECTION * defaults.skier.PG_POOL_MAX },
    skierDependencies['lift-ride'],
  ],
  resort: [{ ...resortDependencies.postgres, capacity: CALLS_PER_CONNECTION * defaults.skier.PG_POOL_MAX }],
};

function table(): string {
  const lines = [
    '| process | dependency | timeout (ms) | opens at | after calls | stays open (ms) | bulkhead | window (ms) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const [process, breakers] of Object.entries(resilienceMap)) {
    for (const b of breakers) {
      lines.push(
        `| ${process} | ${b.name} | ${b.timeoutMs} | ${b.errorThresholdPercentage} % failures | ${b.volumeThreshold} | ${b.resetTimeoutMs} | ${b.capacity} | ${b.rollingWindowMs} |`,
      );
    }
  }
  return lines.join('\n');
}

/** docs/resilience.md, rendered from the services' tables. */
function renderResilienceMap(): string {
  const g = gatewayResilience;
  return `# Resilience map

Generated from each service's \`src/resilience.ts\` and config defaults by \`npm run lint -- --fix\`;
\`npm run lint\` fails when this page and the code disagree. A test checks that the numbers fit
together (tools/checks/test/resilience-map.test.ts).

## Deadlines

A request through the gateway has a budget of ${defaults.gateway.REQUEST_TIMEOUT_MS} ms (\`REQUEST_TIMEOUT_MS\`; a
client may ask for less with \`Request-Timeout\`). The gateway forwards what is left as \`Request-Timeout\`, and
each service bounds its own calls by the smaller of that and the timeouts below.

A call whose request has less than 10 ms left is not started: it is answered 504 (\`DEADLINE_EXCEEDED\`, the
OpenAPI document's "deadline expired before the owning service answered") at once. A call that a client's
shorter deadline cuts off (its budget was below the dependency's timeout, and it ran out) is answered 504 too,
and counts neither for nor against the dependency's breaker, nor takes a half-open circuit's one trial: a
client's own \`Request-Timeout\` cannot open a circuit for the others. A call that had the dependency's whole
timeout and did not answer counts as a failure (503). Redis commands fail after
500 ms (ioredis \`commandTimeout\`), Postgres connects within 2 s, statements stop after 5 s on the server
and 6 s on the client, and every HTTP server cuts headers after 5 s and requests after 10 s.

## Breakers and bulkheads

Every outbound call goes through a breaker (opossum) for its dependency, one per process. It opens when the
failure share over the rolling window passes the threshold (once enough calls were seen), refuses calls at
once while open (503 with Retry-After), lets one trial call through after the open period, and closes on
success. Its bulkhead refuses calls beyond the given number in flight (503 with Retry-After); a refusal is
load, not a failure, and does not count. Errors that only say the request was wrong (4xx answers, a
rejected SQL statement) do not count.

${table()}

At the gateway, calls to each upstream are further split by class of traffic: at most ${defaults.gateway.READ_CONCURRENCY}
reads and ${defaults.gateway.WRITE_CONCURRENCY} writes in flight per upstream (\`READ_CONCURRENCY\`, \`WRITE_CONCURRENCY\`), so that a surge of lift-ride POSTs leaves
connections to the reads. Each upstream's breaker admits the sum of the two
(${upstreamCapacity(defaults.gateway)}), so only the bulkheads refuse excess traffic; calls beyond the ${defaults.gateway.UPSTREAM_CONNECTIONS}
keep-alive connections (\`UPSTREAM_CONNECTIONS\`) wait in the pool's queue within their deadline.

A service with several replicas (a comma-separated list of base URLs, as \`npm start -- --scale\` gives) has a
pool and a breaker per replica, with the knobs above, named after the replica's address
(\`lift-ride@127.0.0.1:8183\`) in \`/metrics\` and \`/health/deps\`; the bulkheads stay per upstream. Calls go
round robin over the replicas whose breaker is closed, and a retry goes to another replica than the last. A
replica's open breaker is not tried again by a client's request: when it turns half-open, a readiness probe
(\`GET /health/ready\`, 1 s at most) is its trial call, so a hung replica costs the clients nothing once its
breaker opened. The gateway, the skier service (lift-ride) and the lift-ride service (resort) call their
upstreams this way. Test: \`services/gateway/test/replicas.e2e.test.ts\`.

## Retries

Only at the gateway, only for GET requests and POSTs carrying an Idempotency-Key, outside the breaker: at
most ${g.retry.maxAttempts} attempts, decorrelated jitter between ${g.retry.baseDelayMs} and ${g.retry.maxDelayMs} ms, or the upstream's
Retry-After, and never past the deadline. Retries may add at most ${g.retryBudget.ratio * 100} % of the requests of the
last ${g.retryBudget.windowMs / 1000} s (plus ${g.retryBudget.minPerWindow}), so that they cannot multiply an overload.

## Keyed POSTs

A POST with an Idempotency-Key is answered from the gateway's record in Redis when it repeats (kept
${defaults.gateway.IDEMPOTENCY_RETENTION_SECONDS / 3600} h); 404, 408, 429 and 5xx answers are not kept, so their retry runs again, and the
gateway retries such a POST itself after a dropped connection or a 5xx. While Redis is down the POST runs
without a record. Each of these is safe because the service that takes the effect dedupes it by the key the
gateway sends (the client's key scoped to the client and the operation): rides and seasons by their natural
key, profiles by that key stored with the profile in the same statement, answered with the first 201. A
lost answer, a commit after the gateway gave up, and a Redis outage each give one profile and the same
answer (test: \`services/gateway/test/keyed-create.e2e.test.ts\`).
The key's claim (the in-flight record) carries a deadline by Redis's clock (the gateway's shared clock plus
the Redis breaker's timeout and 100 ms), which Redis checks: a claim held by a partition and delivered when
it heals, after its request ran without a record, is dropped instead of holding the key in flight, and
commands unanswered on a dropped connection are not sent again on the next. A claim whose answer could not
be stored (Redis lost while its request ran) is finished every second until Redis takes it or its 30 s lock
expires, and only while the record is still that claim. Test:
\`services/lift-ride/test/net-faults/redis-partition.test.ts\` (the gateway cut from Redis for 12 s while keyed
rides and profiles flow: all answered 201 within the deadline, no effect twice, records kept again about 2 s
after healing, and every key of the partition replayed after it).

## Load shedding

The gateway refuses new requests with 503 and Retry-After when ${g.shedding.maxInFlight} are in progress or the event
loop lags more than ${g.shedding.maxLagMs} ms. The probes (\`/health/live\`, \`/health/ready\`) and \`/metrics\` are never shed;
\`/health/deps\` and the status page are.

## Health checks cost at most one probe a second

\`/health/ready\` and \`/health/deps\` share their answer for a second (\`sharedFor\` in \`packages/http\`): however
many callers ask, each dependency is probed at most once a second. The services' readiness runs its
\`SELECT 1\` through the Postgres breaker, so a hung database is not piled up on by probes; Redis is pinged
through its breaker. The gateway's \`/health/deps\` (each service's readiness, a Redis ping) is shared the same
way, and the status page reuses it. Test: \`services/gateway/test/operator-views.e2e.test.ts\` (50 callers for
3 s: each service asked 3 times).

## Fallbacks

| dependency | when it fails |
| --- | --- |
| RabbitMQ (lift-ride API) | rides are written to Postgres directly, at most ${defaults.liftRide.FALLBACK_CONCURRENCY} at a time (\`PUBLISH_FALLBACK\`) |
| Postgres (worker) | the worker holds its batch and stops consuming; rides wait in the queue |
| Redis (reads, idempotency) | reads go to Postgres; POSTs run without the idempotency record |
| resort service (lift-ride) | resort metadata from the cache (10 s in process, ${defaults.liftRide.METADATA_TTL_SECONDS} s in Redis) |
| lift-ride service (skier) | the profile answers without stats, \`degraded: true\` |
| Postgres read replica (lift-ride queries, skier profile reads; \`DATABASE_READ_URL\`) | the read goes to the primary, through the primary's breaker, while the replica's breaker is open or its connection fails; a statement the replica rejected is not tried again |

## Read replica

With \`DATABASE_READ_URL\`, the lift-ride queries and the skier's profile reads go to a streaming replica,
through its own breaker and bulkhead (\`postgres-replica\` above); writes stay on the primary. A replica
lags, and a read answered from it could put into the cache a value older than a write whose invalidation
already ran: the invalidation's tombstone refuses fills for ${replicaReads.tombstoneMs / 1_000} s only, and the stale value would then be
served for the whole TTL. So a process reads the replica only while it knows the replica to be close behind:

- Every ${replicaReads.sampleIntervalMs} ms it reads the primary's WAL position (\`pg_current_wal_lsn()\`, noting when it asked), then
  the replica's replay position (\`pg_last_wal_replay_lsn()\`). The replica is fresh as of the latest primary
  reading it has replayed: it holds every write committed before then. Lag is measured by position, not by
  replay timestamps, so an idle primary shows no lag and a replica cut off from its primary does.
- A read goes to the replica only while it is fresh as of less than ${replicaReads.maxLagMs} ms ago. Otherwise, and while the
  replica is down (its breaker open, a connection error, a failed measurement, a replay position that went
  back), it goes to the primary. A statement the replica rejected is not tried again.
- Why no stale value is cached: a write that a replica read missed committed after the replica's fresh-as-of
  point, so its invalidation ran no earlier than ${replicaReads.maxLagMs} ms before the read began. The read ends within its breaker's
  ${liftRideDependencies['postgres-replica'].timeoutMs} ms and its fill within Redis's ${liftRideDependencies.redis.timeoutMs} ms, so the fill reaches Redis while that invalidation's tombstone
  still refuses it. A test checks that these numbers fit (\`tools/checks/test/resilience-map.test.ts\`).
- What a client sees: an answer read from the replica may miss the writes of the last ${replicaReads.maxLagMs} ms (plus its own
  query time), as a read that began before them would; the cache never holds a value older than the last
  invalidation of its key. A replica further behind costs the primary its reads, not freshness.

Proof (\`services/lift-ride/test/read-replica.e2e.test.ts\`, against a primary and standby of the test's own):
with the standby's replay paused (\`pg_wal_replay_pause()\`), rides are written and the same day read in a
loop past each tombstone's life; no value older than an invalidation is ever cached, stale answers stop
within the bound, and after \`pg_wal_replay_resume()\` the standby catches up and serves the reads again. With
the standby stopped, every read is answered from the primary.

## Abandoned database work ends

A Postgres call that its breaker gives up on is cancelled at the server (the protocol's CancelRequest),
and its connection goes back to the pool only once the statement has ended, and is then closed rather
than reused. A direct write for a request runs in a transaction of its own with \`statement_timeout\` set
from what is left of its budget (capped at the fallback's 900 ms, less a quarter for the answer's way
back), so Postgres ends it before the bulkhead's timer frees the slot; a statement ended that way counts
against the caller's budget, not against Postgres's breaker. No lift-ride statement runs longer than the
Postgres breaker's 1.5 s, should a cancel be lost. So the fallback bulkhead and the read bulkheads bound
the work in Postgres, not only the waiting callers.

## Messaging

- Rides leave by group commit (DESIGN §5): while fewer than \`PUBLISH_MAX_IN_FLIGHT\` (${defaults.liftRide.PUBLISH_MAX_IN_FLIGHT})
  messages await their confirms, a ride leaves at once in a message of its own; the rides that arrive meanwhile leave together
  in the next message (at most \`PUBLISH_MAX_RIDES\` rides and \`PUBLISH_MAX_BYTES\` bytes). A ride is
  answered 201 only once the broker confirmed its message into a queue. Publishes are \`mandatory\`: a
  message that reaches no queue (a binding or queue deleted) comes back and fails like a nack. A message
  that is not confirmed (nack, return, timeout, closed channel) sends all of its rides to the fallback, in
  one write behind the fallback bulkhead, or to 503 with Retry-After: never 201. Each ride waits at most its
  own request's budget (504 past it), whatever its neighbours allow, and a message's confirm wait leaves its
  oldest ride the fallback's ${liftRideDependencies.fallback.timeoutMs} ms: a ride that waited for an earlier message's confirm still has time
  for the direct write when the broker stays silent. A SIGKILL of the API loses only
  unanswered rides: \`services/lift-ride/test/api-crash.e2e.test.ts\`.
- AMQP connections turn Nagle's algorithm off (amqplib leaves it on): with a few messages in flight, a
  large publish otherwise waits for the broker's delayed ACK (46 ms at the median for 20 KB, against 0.6 ms).
- A channel that the broker closes on its own (a channel error) is opened again on the same connection
  after 50 ms, backing off to 2 s; a dropped connection is made again with backoff and the topology declared.
- \`AMQP_URL\` may list the nodes of a RabbitMQ cluster, comma-separated: a process connects to the first node
  that answers and, when that connection is lost or refused, goes on to the next node at once; it backs off
  only after a round in which no node answered. A paused node (its socket open, nothing coming back) is
  left after about two 5 s heartbeats: the API was on another node 12.7 s into a 15 s SIGSTOP, and its rides
  took the fallback meanwhile. The quorum queue has a member on each node (the default on
  3.10 with three nodes). When the node leading it is lost, publishes that are not confirmed in
  \`PUBLISH_TIMEOUT_MS\` take the fallback while the survivors elect a new leader: SIGKILLed, the next ride
  was answered 201 in 80-290 ms and a new leader stood in 1.0-2.7 s; SIGSTOPped for 15 s (a pause, not a
  crash, longer than the 5 s heartbeat), the survivors took 6.5-11 s to elect one, during which rides took
  the fallback. Since a message's confirm wait leaves its oldest ride the fallback's time, every attempt
  of those runs was answered 201, the slowest in 1.07 s; before, 350-900 attempts a run were answered 503
  with Retry-After (the gateway's budget ran out while the publish waited its timeout) and two of eight
  runs had one 504. None answered 201 was lost or counted twice, and the node was back in the queue
  0.4-1.5 s after SIGCONT or 7.1-11 s after a restart: \`services/lift-ride/test/broker-cluster.e2e.test.ts\`.
- A queue that exists with other arguments than declared (a changed \`QUEUE_MAX_LENGTH\`, a queue created
  with another delivery limit: 406 PRECONDITION_FAILED) is not retried: the connection logs one error naming
  the argument, both values and what to do, and stops; the API and the worker refuse to start with it.
- \`npm run dead-letters -- list\` uses up no delivery attempt: it puts a confirmed copy of each letter it
  shows (same content and headers, the broker's counters at zero) at the back of the dead queue, then acks
  the original. A requeue would count: RabbitMQ 3.10 to 3.13 count every return in \`x-delivery-count\` (no
  limit unless one is set); 4.0 to 4.2 count every return against a default delivery limit of 20 and drop
  a message past it that has no dead-letter exchange, as the dead queue has none; 4.3 counts failed
  deliveries against the limit and every acquisition in \`x-acquired-count\`. Redrive acks a dead letter
  only once its copy is confirmed into the persist queue.
- Health checks and metrics read queue depths on one channel per process, however many ask at once.
- The delivery limit counts processing failures only. The worker counts them itself in a header
  (\`skico-failures\`): a message that failed is published again to its queue with the count raised,
  confirmed, and only then acked; past \`QUEUE_DELIVERY_LIMIT\` failures it is rejected to the dead-letter
  queue (reason \`rejected\`, the count in its headers). Restarts, scale-downs, lost connections and batches
  held through a Postgres outage return messages without a failure. The queue's \`x-delivery-limit\` is a
  backstop of 100 returns, for a message that kills the worker before it can count: RabbitMQ 3.10-3.13
  and 4.0-4.2 count every return in \`x-delivery-count\` (4.x with a default limit of 20), and 4.3 counts
  \`basic.reject\` and channel closes but not \`basic.nack\`; the worker's count is the same on all of them.
- The worker invalidates the cache keys of every ride of a batch it wrote, not only of the rows its insert
  added (an earlier attempt that timed out may have committed them), before it acks; an invalidation that
  fails holds the batch like a Postgres outage, so a crash or a Redis fault between commit and
  invalidation ends in a redelivery that invalidates again. The API's direct write invalidates too, best
  effort (the ride is committed either way).

## Faults below the socket

The fault proxy above can cut, stall or reset a connection; it cannot drop one packet, fail one direction
of a link, or partition two hosts so that neither side sees a reset. The proofs in
\`services/*/test/net-faults/\` (\`npm run net-faults\`; in \`npm test\`, last) make those faults in the kernel:

- **Hosts.** \`createNetLab()\` (\`tools/test-kit\`) makes a bridge on a private /24 (10.213.N.0) and, per
  process of the system (\`startTestStack({ network })\`), a network namespace joined to it by a veth pair.
  Postgres, Redis and RabbitMQ stay on the machine's loopback, untouched: each is reached through a
  forwarder (the fault proxy, passing) on the bridge, so that the link between a process and a server is
  the process's own veth. Servers of the test's own (a RabbitMQ cluster, a Postgres on a small disk) are
  forwarded alike.
- **Faults.** iptables rules in a process's namespace: DROP (a partition without a reset, both ways or one
  way), the \`statistic\` match (random loss of a share of the packets), the TEE target (a copy of a share
  of the packets a process sends: duplicates), the CLASSIFY target into a slow HTB class (a share of the
  packets held back and overtaken by the rest: reordering, with jitter), and a \`tbf\` token bucket on both
  ends of a veth (a bandwidth limit, hence queueing delay). Each fault reports the packets its rules
  dropped, copied or held back, which every proof asserts above zero. Pauses are SIGSTOP; a full disk is a tmpfs
  under the data folder of a Postgres of the test's own; a skewed clock is libfaketime, preloaded into one
  process.
- **Not made here:** a fixed delay. It needs \`netem\`, which this kernel lacks, or a userspace packet queue
  (NFQUEUE), which is not built; the shaper's delay is queueing delay, which grows with the traffic, as on a
  congested link. Copies and reordering apply to what a process sends: the servers' side of a forwarder
  is the machine's own network, whose firewall the tests leave alone.
- **Cleanup.** A lab's names carry its process's PID. The project's global setup removes the namespaces
  and links of dead processes before and after the run, a lab removes its own on \`stop()\` and on its
  process's exit, and a machine that cannot make namespaces (no root, no iptables) is refused with the
  reason before any test starts.
- **History.** Every ride attempt is recorded with its outcome: ok (201), failed (4xx, 503) or
  indeterminate (no answer, 502, 504). After the fault the checker (\`createHistory\`) reads Postgres and
  reports lost (answered 201, absent), duplicated (counted more than once, including by the skier-day
  aggregates), unexpected (present, never sent) and recovered (indeterminate, present). The first three
  must be zero; each proof prints a \`<name> history {…}\` line. The API-crash, replica-crash and
  broker-cluster proofs use the same checker.

What each fault does, from runs on a 2-core machine (2026-12-05). Every scenario goes through the gateway,
its answers come within the 2 s deadline plus 100 ms, and none lost, doubled or unexpected a ride:

| fault | what the system does | figures | proof |
| --- | --- | --- | --- |
| lift-ride API ↔ RabbitMQ partitioned 20 s | rides whose confirm does not come in time take the fallback write; the client's 5 s heartbeats declare the silent connection dead, long before TCP would | every attempt 201 (2,738 during the cut), slowest 1,064 ms; connection declared dead after 13.0-13.5 s; publishing through the broker 1.1-2.6 s after healing | \`broker-partition.test.ts\` |
| worker ↔ Postgres partitioned 35 s, mid-batch | the worker holds its batch and stops acking; rides keep being accepted into the queue; the statement it gave up on is cancelled and its connection closed, not reused | 10,805 rides 201 during the cut, none written; writing again 0.6-1.1 s after healing; the worker's backends equal its pool's connections (1 = 1), none left from before the cut | \`worker-postgres-partition.test.ts\` |
| gateway ↔ services: 30 % loss, then a 1 Mbit/s link, then 40 % loss of the answers only (15 s each) | TCP retransmits; a call that runs out of its deadline is answered 503; retries stay within the retry budget (10 + 10 % of first calls) | medians 76 / 173 / 6 ms by phase, worst 1,954 ms; 2-5 retries of about 8,800 first calls, none refused; healthy 8-40 ms after healing | \`gateway-links.test.ts\` |
| on 11 links (every process to its dependencies) for a whole run: 15 % loss each way, 5 % of what each process sends duplicated and 10 % reordered | TCP drops the copies and puts segments back in order; slower, and some attempts 503, retried by the client | 3,100 rides, 17-35 attempts 503, worst 1,855-1,964 ms; 639 packets copied and 1,771 reordered in one run; healthy 3-22 ms after healing | \`lossy-pipeline.test.ts\` |
| gateway ↔ Redis partitioned 12 s while keyed POSTs flow | keyed POSTs run without the gateway's record and are deduplicated by the services' own key (Keyed POSTs above); the Redis breaker opens | 1,518 requests without the record, all 201 within 323 ms; 189 profiles sent twice at once, 189 rows; records kept again 0.8-3.0 s after healing; every key replays after healing | \`redis-partition.test.ts\` |
| one of three workers SIGSTOPped 70 s | the broker closes its connection after missed heartbeats and gives its deliveries to the other workers; the resumed worker's stale batch commits nothing twice | 250 deliveries redelivered 13.9 s in; new deliveries 0.3-0.6 s after SIGCONT | \`worker-pause.test.ts\` |
| worker SIGKILLed during a Postgres partition | the restarted worker holds the redelivered batch until Postgres answers | 1,620 rides pending at the kill, each in Postgres once; writing 0.9 s after healing | \`worker-postgres-partition.test.ts\` |
| queue leader SIGKILLed during 25 % loss between the API, the worker and all three broker nodes | fallback writes until a new leader confirms; the node rejoins when restarted | new leader in 0.4-2.5 s, rejoined in 10.6-13.7 s; healthy 0.2-1.1 s after the loss ends | \`broker-node-loss.test.ts\` |
| full disk under the test's own Postgres (256 MB tmpfs) | rides are still answered 201 once confirmed into the queue, and wait there; a direct write that cannot commit is 503, never 201 (a row that still fits the current WAL segment and a page with room does commit, and only then is 201); Postgres 15 PANICs when the WAL cannot grow and stays down until restarted | commits stopped 0.03-1.2 s after the disk filled; with the API cut from the broker, 57-112 fallbacks refused, 0-4 committed and answered 201; after freeing space and a restart, every ride in Postgres 0.7-2.9 s later | \`full-disk.test.ts\` |
| gateways 5 min ahead and behind (libfaketime) | rate-limit windows and token times follow Redis's clock (\`TIME\`, read every 10 s), with a 5 s leeway; Idempotency-Key records use relative TTLs | one client over three gateways: 327 of a budget of 300 (sync error up to 122); tokens judged alike everywhere; records kept 86,400 s; a clock stepped by 10 min judged right again 8.3-8.7 s later | \`services/gateway/test/net-faults/clock-skew.test.ts\` |

Defects these proofs found, each fixed:

- With the API partitioned from RabbitMQ, rides that had waited for a silent broker's earlier confirm then
  waited a whole publish timeout for their own, ran out of their budget, and the gateway's timeouts opened
  its breaker on the whole lift-ride service: 164-171 attempts per run were answered 503. A message's
  confirm wait now leaves its oldest ride the fallback's time; every attempt is answered 201.
- ioredis sends again, after a reconnection, the commands that had already timed out: idempotency claims
  landed after the partition and answered their keys 409 for 30 s, and late cache fills and rate-limit
  counts would land alike. Redis clients no longer resend (\`autoResendUnfulfilledCommands: false\`).
- An idempotency claim whose reply was lost stayed "in flight" after the partition (409 for up to 30 s).
  Each claim now carries an id and is finished only while the record is still its own; a finish that
  fails is retried every second, 16 at a time, until Redis takes it or the claim expires.
- Each gateway judged rate-limit windows and token times by its own clock: a client spreading its reads
  over gateways 5 minutes apart got 900 of a budget of 300, and a gateway ahead refused valid tokens. They
  now use Redis's clock (docs/security.md, "Clocks").
- Before these proofs, the broker's 60 s heartbeat applied instead of 5 s, because amqplib reads it only
  from the URL (fixed with the RabbitMQ cluster).
- Two counters were missing to see a fault land: retries of the gateway (\`skico_upstream_calls_total\`)
  and redelivered deliveries of the worker (\`skico_worker_redelivered_total\`).
- Seen while looking at the worker partition: a pool connection closed while idle during a partition would
  leave its backend in Postgres until the server's TCP keepalive gives up (about 2 h by default). The proof
  did not reach that case (the worker kept reusing its one connection), but every pool now asks the server
  to end a session idle for 60 s, twice the pool's own idle close (\`packages/pg/src/pool.test.ts\`).
`;
}

/** Compares (or with `fix`, rewrites) docs/resilience.md. Returns a problem, or undefined when in step. */
export async function checkResilienceMap(fix: boolean): Promise<string | undefined> {
  const path = join(repoRoot, 'docs', 'resilience.md');
  const wanted = renderResilienceMap();
  const current = await readFile(path, 'utf8').catch(() => '');
  if (current === wanted) return undefined;
  if (fix) {
    await writeFile(path, wanted);
    return undefined;
  }
  return 'docs/resilience.md is out of date: run `npm run lint -- --fix`';
}
