import { Counter, Histogram, type Registry } from '@skico/http';
import type { BatchReport, OutcomeName } from '@skico/messaging';

/**
 * The worker's metrics: deliveries by outcome, the rides of split messages that went on as messages of
 * their own, and per committed batch its size in rides, its write time, and the age of its oldest ride
 * when it committed (the lag behind the API).
 */
export function workerMetrics(registry: Registry): (report: BatchReport) => void {
  const messages = new Counter({
    name: 'skico_worker_messages_total',
    help: 'Deliveries handled by outcome: ack (written or a duplicate), retry (requeued), reject (dead-lettered), split (acked, with some of its rides sent on as messages of their own).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['ack', 'retry', 'reject', 'split'] as const) messages.inc({ outcome }, 0);
  const splitRides = new Counter({
    name: 'skico_worker_split_rides_total',
    help: 'Rides of split messages sent on as messages of their own: retry (failed, tried again) or reject (invalid, dead-lettered).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['retry', 'reject'] as const) splitRides.inc({ outcome }, 0);
  const redelivered = new Counter({
    name: 'skico_worker_redelivered_total',
    help: 'Deliveries that the broker had given out before: another consumer (or this one) lost them with its connection or channel, or returned them.',
    registers: [registry],
  });
  const size = new Histogram({
    name: 'skico_worker_batch_size',
    help: 'Rides per committed batch (at most WORKER_BATCH_SIZE, unless one message alone holds more).',
    buckets: [1, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'skico_worker_batch_duration_seconds',
    help: 'Time to write and commit one batch.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'skico_worker_lag_seconds',
    help: 'Age of the oldest ride of a batch when the batch committed: how far the worker is behind the API.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
    registers: [registry],
  });
  return (report) => {
    const counts: Partial<Record<OutcomeName, number>> = {};
    for (const o of report.outcomes) counts[o] = (counts[o] ?? 0) + 1;
    for (const [outcome, n] of Object.entries(counts)) messages.inc({ outcome }, n);
    if (report.redelivered > 0) redelivered.inc(report.redelivered);
    if (report.parts.retried > 0) splitRides.inc({ outcome: 'retry' }, report.parts.retried);
    if (report.parts.rejected > 0) splitRides.inc({ outcome: 'reject' }, report.parts.rejected);
    if (report.durationMs === undefined) return;
    // The consumer weighs each message by its rides (composeWorker's weightOf).
    size.observe(report.weight);
    duration.observe(report.durationMs / 1000);
    if (report.oldestPublishedAt !== undefined) lag.observe(Math.max(0, Date.now() - report.oldestPublishedAt) / 1000);
  };
}
