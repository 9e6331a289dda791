import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { activeTracer, startTracing } from './tracing.ts';

export type { ReadableSpan };

/**
 * Tracing on for a unit test, with every span kept in memory as it ends instead of being exported.
 * Call `shutdown` after the test: tracing is one per process.
 */
export function startMemoryTracing(serviceName = 'test') {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ endpoint: '', serviceName, exporter });
  const tracer = activeTracer();
  if (!tracer) throw new Error('tracing did not start');
  return { tracer, spans: () => exporter.getFinishedSpans(), shutdown: tracing.shutdown };
}
