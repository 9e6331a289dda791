import { Counter, type Registry } from '@skico/http';
import type { UpstreamName } from './types.ts';

/**
 * `skico_upstream_calls_total{upstream,kind}`: first attempts, retries made, and retries the retry budget
 * refused, so that an operator (or a test) can see that retries happen and stay within their share.
 */
export function upstreamCallMetrics(
  registry: Registry,
): (upstream: UpstreamName, kind: 'first' | 'retry' | 'refused') => void {
  const counter = new Counter({
    name: 'skico_upstream_calls_total',
    help: 'Calls of the gateway to its upstreams by kind: first (one per request), retry (a retry made), refused (a retry the retry budget refused).',
    labelNames: ['upstream', 'kind'],
    registers: [registry],
  });
  for (const upstream of ['resort', 'skier', 'lift-ride'] as const)
    for (const kind of ['first', 'retry', 'refused'] as const) counter.inc({ upstream, kind }, 0);
  return (upstream, kind) => counter.inc({ upstream, kind });
}
