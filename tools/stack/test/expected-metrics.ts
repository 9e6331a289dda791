/**
 * Every metric that infra/prometheus/alerts.yml and infra/grafana/dashboards/skico.json query, with the labels
 * they read. dashboard.int.test.ts fails when a rule or panel uses a name or label missing here, or when an
 * entry here is used by none: this list is what the processes must expose.
 */
export interface ExpectedMetric {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  /** Labels the queries select or group by; `service` is every process's default label. */
  labels: string[];
  /** Who exposes it. */
  source: string;
  meaning: string;
}

export const expectedMetrics: ExpectedMetric[] = [
  {
    name: 'http_server_request_duration_seconds',
    type: 'histogram',
    labels: ['service', 'route', 'method', 'status'],
    source: '@skico/http redMetrics',
    meaning: 'request duration by route template, method and status code (`status` like "503")',
  },
  {
    name: 'process_cpu_seconds_total',
    type: 'counter',
    labels: ['service'],
    source: 'prom-client default metrics',
    meaning: 'CPU time of the process',
  },
  {
    name: 'process_resident_memory_bytes',
    type: 'gauge',
    labels: ['service'],
    source: 'prom-client default metrics',
    meaning: 'resident set size',
  },
  {
    name: 'nodejs_heap_size_used_bytes',
    type: 'gauge',
    labels: ['service'],
    source: 'prom-client default metrics',
    meaning: 'used V8 heap',
  },
  {
    name: 'nodejs_eventloop_lag_p99_seconds',
    type: 'gauge',
    labels: ['service'],
    source: 'prom-client default metrics',
    meaning: 'p99 event loop delay',
  },
  {
    name: 'skico_breaker_state',
    type: 'gauge',
    labels: ['service', 'dependency'],
    source: 'the shared breaker factory, one series per breaker',
    meaning: '0 closed, 1 half-open, 2 open',
  },
  {
    name: 'skico_queue_depth',
    type: 'gauge',
    labels: ['service', 'queue'],
    source: 'lift-ride API and worker (queue inspector)',
    meaning: 'messages ready in the queue; `queue` is the full name with any NAMESPACE prefix',
  },
  {
    name: 'skico_dead_letters',
    type: 'gauge',
    labels: ['service', 'queue'],
    source: 'lift-ride API and worker (queue inspector)',
    meaning: 'messages in the dead-letter queue; `queue` optional (the rules aggregate by it)',
  },
  {
    name: 'skico_worker_messages_total',
    type: 'counter',
    labels: ['service', 'outcome'],
    source: 'lift-ride worker',
    meaning: 'deliveries handled, by outcome ack | retry | reject | split (some of its rides went on alone)',
  },
  {
    name: 'skico_worker_split_rides_total',
    type: 'counter',
    labels: ['service', 'outcome'],
    source: 'lift-ride worker',
    meaning: 'rides of split messages that went on alone, by outcome retried | rejected (dead-lettered)',
  },
  {
    name: 'skico_worker_redelivered_total',
    type: 'counter',
    labels: ['service'],
    source: 'lift-ride worker',
    meaning: 'deliveries the broker had given out before (a lost consumer, channel or connection, or a returned batch)',
  },
  {
    name: 'skico_upstream_calls_total',
    type: 'counter',
    labels: ['service', 'upstream', 'kind'],
    source: 'gateway',
    meaning: 'calls to each upstream by kind first | retry | refused (a retry the retry budget turned down)',
  },
  {
    name: 'skico_worker_batch_size',
    type: 'histogram',
    labels: ['service'],
    source: 'lift-ride worker',
    meaning: 'rides per committed batch',
  },
  {
    name: 'skico_worker_batch_duration_seconds',
    type: 'histogram',
    labels: ['service'],
    source: 'lift-ride worker',
    meaning: 'time to write and commit one batch',
  },
  {
    name: 'skico_worker_lag_seconds',
    type: 'histogram',
    labels: ['service'],
    source: 'lift-ride worker',
    meaning: 'age of the oldest ride of a batch when it commits (publish time from the x-published-at header)',
  },
  {
    name: 'skico_publishes_total',
    type: 'counter',
    labels: ['service', 'outcome'],
    source: 'lift-ride API',
    meaning: 'rides by publish outcome confirmed | failed | fallback (written directly to Postgres)',
  },
  {
    name: 'skico_publish_rides_per_message',
    type: 'histogram',
    labels: ['service'],
    source: 'lift-ride API',
    meaning: 'rides per confirmed message (group commit)',
  },
  {
    name: 'skico_publish_confirm_seconds',
    type: 'histogram',
    labels: ['service'],
    source: 'lift-ride API',
    meaning: 'time from the publish of a message to its confirm',
  },
  {
    name: 'skico_idempotency_total',
    type: 'counter',
    labels: ['service', 'outcome'],
    source: 'gateway',
    meaning: 'keyed POSTs by outcome stored | replayed | conflict | reused | unguarded',
  },
  {
    name: 'skico_shed_total',
    type: 'counter',
    labels: ['service'],
    source: '@skico/http instrumentShedder (gateway)',
    meaning: 'requests refused with 503 by load shedding',
  },
  {
    name: 'skico_requests_in_flight',
    type: 'gauge',
    labels: ['service'],
    source: '@skico/http instrumentShedder (gateway)',
    meaning: 'requests in progress as the load shedder counts them',
  },
  {
    name: 'skico_rate_limited_total',
    type: 'counter',
    labels: ['service', 'class'],
    source: 'gateway (countRateLimited around the rate limiter)',
    meaning: 'requests refused with 429, by class read | ride | write | admin',
  },
  {
    name: 'skico_pg_pool_connections',
    type: 'gauge',
    labels: ['service', 'state'],
    source: '@skico/http instrumentPool (resort, skier, lift-ride API and worker)',
    meaning: 'pg pool connections by state total | idle | waiting',
  },
  {
    name: 'skico_cache_requests_total',
    type: 'counter',
    labels: ['service', 'result'],
    source: '@skico/cache cache-aside',
    meaning: 'cache lookups by result hit | miss | join | bypass',
  },
  {
    name: 'up',
    type: 'gauge',
    labels: ['service'],
    source: 'Prometheus, per scrape target; `service` is a target label in infra/prometheus/prometheus.yml',
    meaning: '1 when the last scrape succeeded',
  },
  {
    name: 'ALERTS',
    type: 'gauge',
    labels: ['alertstate'],
    source: 'Prometheus, for the rules of alerts.yml',
    meaning: 'one series per pending or firing alert',
  },
];

/** Labels every series has or that PromQL itself adds, whatever the metric. */
export const commonLabels = ['instance', 'job', 'le'];
