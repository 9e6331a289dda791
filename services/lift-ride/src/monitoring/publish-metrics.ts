import { Counter, Histogram, type Registry } from '@skico/http';
import type { AcceptMetrics } from '../domain/accept-ride.ts';

/**
 * The ride acceptance's metrics: `skico_publishes_total{outcome}` counts rides (confirmed, failed, written
 * by the fallback), and per confirmed message its rides (how well group commit groups) and the time from
 * its publish to its confirm.
 */
export function publishMetrics(registry: Registry): AcceptMetrics {
  const publishes = new Counter({
    name: 'skico_publishes_total',
    help: 'Rides by publish outcome: confirmed by the broker, failed (nacked, timed out, broker down), fallback (written directly to Postgres instead).',
    labelNames: ['outcome'],
    registers: [registry],
  });
  for (const outcome of ['confirmed', 'failed', 'fallback'] as const) publishes.inc({ outcome }, 0);
  const ridesPerMessage = new Histogram({
    name: 'skico_publish_rides_per_message',
    help: 'Rides per confirmed message (group commit: the rides that arrived while earlier messages awaited their confirms).',
    buckets: [1, 2, 5, 10, 25, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const confirmSeconds = new Histogram({
    name: 'skico_publish_confirm_seconds',
    help: 'Time from the publish of a message to its confirm by the broker.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [registry],
  });
  return {
    rides: (outcome, count) => publishes.inc({ outcome }, count),
    confirmed: (rides, seconds) => {
      ridesPerMessage.observe(rides);
      confirmSeconds.observe(seconds);
    },
  };
}
