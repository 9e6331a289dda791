import { createUpstream, type Upstream, type UpstreamOptions } from './upstream.ts';

/** What the replica set needs of a breaker: its state, its half-open event and a call through it. */
export interface ReplicaBreaker {
  name: string;
  state: () => 'closed' | 'open' | 'half-open';
  on: (event: 'halfOpen', listener: () => void) => void;
  run: <T>(call: (signal: AbortSignal) => Promise<T>, options?: { timeoutMs?: number }) => Promise<T>;
}

/** How long a replica's readiness probe may take before it counts as a failure. */
const PROBE_TIMEOUT_MS = 1_000;

/** One replica of a service: its own keep-alive pool and its own breaker. */
export interface Replica<B extends ReplicaBreaker> {
  upstream: Upstream;
  breaker: B;
}

export interface Replicas<B extends ReplicaBreaker> {
  /** The service's name. */
  name: string;
  all: Replica<B>[];
  /**
   * The next replica in turn whose circuit is closed, other than `avoid` (the one a retry leaves) when
   * another can serve. When no circuit is closed, the next in turn: its breaker refuses the call at once,
   * or lets it through as the trial of a half-open circuit.
   */
  pick: (avoid?: Replica<B>) => Replica<B>;
  close: () => Promise<void>;
}

export interface ReplicasOptions<B extends ReplicaBreaker> extends Omit<UpstreamOptions, 'baseUrl'> {
  /** Base URLs of the service's replicas, at least one. */
  baseUrls: string[];
  /** Creates the breaker of one replica, under the name it is to carry in metrics and health. */
  breaker: (name: string) => B;
}

/** A replica's name: the service's alone when it has one replica, else the service's at the replica's address. */
export const replicaName = (service: string, baseUrl: string, count: number) =>
  count === 1 ? service : `${service}@${new URL(baseUrl).host}`;

/** The base URLs of a comma-separated list, such as LIFT_RIDE_URL=http://127.0.0.1:8083,http://127.0.0.1:8183. */
export const baseUrlList = (value: string) =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The replicas of one service, each with its own pool and breaker, picked round robin past those whose
 * circuit is not closed: one sick replica is avoided while the others serve. With several replicas, the
 * trial of a half-open circuit is a readiness probe of the set's own (GET /health/ready through the
 * breaker), not a client's request, which the others serve meanwhile; with one, it is the next request.
 */
export function createReplicas<B extends ReplicaBreaker>(options: ReplicasOptions<B>): Replicas<B> {
  const { baseUrls, breaker, ...upstreamOptions } = options;
  if (baseUrls.length === 0) throw new Error(`no base URL for ${options.name}`);
  const all = baseUrls.map((baseUrl) => {
    const name = replicaName(options.name, baseUrl, baseUrls.length);
    return { upstream: createUpstream({ ...upstreamOptions, name, baseUrl }), breaker: breaker(name) };
  });
  if (all.length > 1) {
    for (const replica of all) replica.breaker.on('halfOpen', () => void probe(replica));
  }
  let next = 0;
  return {
    name: options.name,
    all,
    pick(avoid) {
      const start = next;
      next = (next + 1) % all.length;
      let fallback: Replica<B> | undefined;
      for (let i = 0; i < all.length; i++) {
        const replica = all[(start + i) % all.length] as Replica<B>;
        if (replica.breaker.state() !== 'closed') continue;
        if (replica === avoid && all.length > 1) {
          fallback = replica;
          continue;
        }
        return replica;
      }
      return fallback ?? (all[start] as Replica<B>);
    },
    close: async () => {
      await Promise.all(all.map((r) => r.upstream.close()));
    },
  };
}

/** A replica's readiness through its breaker: an answer other than 200, or none in time, reopens the circuit. */
async function probe(replica: Replica<ReplicaBreaker>): Promise<void> {
  await replica.breaker
    .run(
      async (signal) => {
        const answer = await replica.upstream.request({
          method: 'GET',
          path: '/health/ready',
          timeoutMs: PROBE_TIMEOUT_MS,
          signal,
        });
        if (answer.status !== 200) throw new Error(`readiness answered ${answer.status}`);
      },
      { timeoutMs: PROBE_TIMEOUT_MS },
    )
    .catch(() => undefined);
}
