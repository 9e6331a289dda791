import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Stage } from '@skico/http';
import type { Statistics } from './statistics.ts';

/** Records the latency of a request, from now until its answer is written, under its route template. */
export function recordLatency(statistics: Statistics, template: string, req: IncomingMessage, res: ServerResponse) {
  const started = performance.now();
  res.once('finish', () => statistics.record(template, req.method ?? 'GET', performance.now() - started));
}

/** A stage that records the latency of every request of a route under its template, for /statistics. */
export function timed(statistics: Statistics, template: string): Stage {
  return (req, res, next) => {
    recordLatency(statistics, template, req, res);
    next();
  };
}
