import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * A counter that follows a running total kept elsewhere (a cache's hit count): each scrape adds what
 * the total grew since the previous one, so the component needs no dependency on prom-client.
 */
function totalsCounter<L extends string>(
  registry: Registry,
  spec: { name: string; help: string; label: string; values: L[] },
  read: () => Record<L, number>,
): void {
  const last = Object.fromEntries(spec.values.map((v) => [v, 0])) as Record<L, number>;
  new Counter({
    name: spec.name,
    help: spec.help,
    labelNames: [spec.label],
    registers: [registry],
    collect() {
      const now = read();
      for (const value of spec.values) {
        this.inc({ [spec.label]: value }, Math.max(0, now[value] - last[value]));
        last[value] = now[value];
      }
    },
  });
}

/** `skico_cache_requests_total{result}` from a cache-aside's own counts. */
export function instrumentCache(
  registry: Registry,
  cache: { stats: () => { hits: number; misses: number; joins: number; bypasses: number } },
): void {
  totalsCounter(
    registry,
    {
      name: 'skico_cache_requests_total',
      help: 'Cache lookups by result: hit, miss, join (shared a load in flight), bypass (Redis failed).',
      label: 'result',
      values: ['hit', 'miss', 'join', 'bypass'],
    },
    () => {
      const s = cache.stats();
      return { hit: s.hits, miss: s.misses, join: s.joins, bypass: s.bypasses };
    },
  );
}

/** `skico_shed_total`: requests the load shedder refused. */
export function instrumentShedder(registry: Registry, shedder: { shed: () => number; inFlight: () => number }): void {
  let last = 0;
  new Counter({
    name: 'skico_shed_total',
    help: 'Requests refused with 503 by load shedding (too many in flight, or event-loop lag).',
    registers: [registry],
    collect() {
      const now = shedder.shed();
      this.inc(Math.max(0, now - last));
      last = now;
    },
  });
  new Gauge({
    name: 'skico_requests_in_flight',
    help: 'Requests in progress, as the load shedder counts them.',
    registers: [registry],
    collect() {
      this.set(shedder.inFlight());
    },
  });
}

/** `skico_pg_pool_connections{state}`: a pg pool's connections, idle ones, and callers waiting for one. */
export function instrumentPool(
  registry: Registry,
  pool: { totalCount: number; idleCount: number; waitingCount: number },
): void {
  new Gauge({
    name: 'skico_pg_pool_connections',
    help: 'Postgres pool: connections open (total), idle, and callers waiting for a connection.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      this.set({ state: 'total' }, pool.totalCount);
      this.set({ state: 'idle' }, pool.idleCount);
      this.set({ state: 'waiting' }, pool.waitingCount);
    },
  });
}

/**
 * `skico_queue_depth{queue}` and `skico_dead_letters{queue}`, asked of the broker at each scrape. A depth
 * that cannot be read now (`depth` answers undefined, which it must do promptly when the broker hangs)
 * is left out of the scrape rather than reported stale.
 */
export function instrumentQueues(
  registry: Registry,
  options: { depth: (queue: string) => Promise<number | undefined>; queue: string; deadQueue: string },
): void {
  const gauge = (name: string, help: string, queue: string) =>
    new Gauge({
      name,
      help,
      labelNames: ['queue'],
      registers: [registry],
      async collect() {
        const depth = await options.depth(queue);
        this.reset();
        if (depth !== undefined) this.set({ queue }, depth);
      },
    });
  gauge('skico_queue_depth', 'Messages ready in the queue (full name, with any NAMESPACE prefix).', options.queue);
  gauge('skico_dead_letters', 'Messages in the dead-letter queue.', options.deadQueue);
}
