import { type ReadableSpan, startMemoryTracing } from '@skico/tracing/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { startBatchSpans } from './consumer-tracing.ts';
import type { Delivery } from './delivery.ts';

const traceId = (n: number) => n.toString(16).padStart(32, 'a');
const spanId = (n: number) => n.toString(16).padStart(16, 'b');

function delivery(n: number, traceparent?: string): Delivery {
  return {
    body: Buffer.from('{}'),
    messageId: `m-${n}`,
    headers: traceparent ? { traceparent, 'x-request-id': `r-${n}` } : {},
    deliveryCount: 0,
    publishedAt: undefined,
  };
}

let tracing: ReturnType<typeof startMemoryTracing> | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function start() {
  tracing = startMemoryTracing('worker');
  return { tracer: tracing.tracer, exporter: { getFinishedSpans: tracing.spans } };
}

const named = (spans: ReadableSpan[], prefix: string) => spans.filter((s) => s.name.startsWith(prefix));

describe('batch spans', () => {
  it('when a batch mixes traced, untraced and unsampled messages, then only the sampled ones get a span of their own', () => {
    const { tracer, exporter } = start();
    const batch = [
      delivery(1, `00-${traceId(1)}-${spanId(1)}-01`),
      delivery(2),
      delivery(3, `00-${traceId(3)}-${spanId(3)}-00`),
      delivery(4, `00-${traceId(4)}-${spanId(4)}-01`),
    ];
    startBatchSpans(tracer, 'q', batch).end(['ack', 'ack', 'ack', 'retry']);

    const spans = exporter.getFinishedSpans();
    const [root] = named(spans, 'process batch q');
    expect(root?.parentSpanContext).toBeUndefined();
    expect(root?.attributes['messaging.batch.message_count']).toBe(4);
    expect(root?.attributes['skico.acked_count']).toBe(3);
    // Linked to every message that carried a context, sampled or not.
    expect(root?.links.map((l) => l.context.spanId)).toEqual([spanId(1), spanId(3), spanId(4)]);

    const messages = spans.filter((s) => s.name === 'process q');
    expect(messages.map((s) => s.parentSpanContext?.spanId)).toEqual([spanId(1), spanId(4)]);
    expect(messages.map((s) => s.spanContext().traceId)).toEqual([traceId(1), traceId(4)]);
    expect(messages.map((s) => s.attributes['skico.outcome'])).toEqual(['ack', 'retry']);
    expect(messages.map((s) => s.status.code)).toEqual([0, 2]);
    for (const m of messages) expect(m.links[0]?.context.spanId).toBe(root?.spanContext().spanId);
  });

  it('when a batch has more messages than the link limit, then the batch span keeps the first 128 links', () => {
    const { tracer, exporter } = start();
    const batch = Array.from({ length: 300 }, (_, i) => delivery(i, `00-${traceId(i + 1)}-${spanId(i + 1)}-00`));
    startBatchSpans(tracer, 'q', batch).end(batch.map(() => 'ack'));
    const [root] = named(exporter.getFinishedSpans(), 'process batch q');
    expect(root?.links).toHaveLength(128);
    expect(root?.droppedLinksCount).toBe(0);
  });

  it('when nothing of a batch was acked, then the batch span fails', () => {
    const { tracer, exporter } = start();
    startBatchSpans(tracer, 'q', [delivery(1), delivery(2)]).end(['retry', 'retry']);
    const [root] = named(exporter.getFinishedSpans(), 'process batch q');
    expect(root?.status).toMatchObject({ code: 2, message: 'nothing acked' });
  });

  it('when a message is split, then its span says acked, with how many parts were retried and rejected', () => {
    const { tracer, exporter } = start();
    const part = (outcome: 'retry' | 'reject') => ({ body: Buffer.from('{}'), messageId: 'p', outcome, reason: 'r' });
    const batch = [delivery(1, `00-${traceId(1)}-${spanId(1)}-01`), delivery(2, `00-${traceId(2)}-${spanId(2)}-01`)];
    startBatchSpans(tracer, 'q', batch).end([{ split: [part('retry'), part('reject'), part('retry')] }, 'retry']);

    const spans = exporter.getFinishedSpans();
    const [split, failed] = spans.filter((s) => s.name === 'process q');
    expect(split?.attributes).toMatchObject({
      'skico.outcome': 'split',
      'skico.parts_retried': 2,
      'skico.parts_rejected': 1,
    });
    expect(split?.status.code).toBe(0);
    expect(failed?.status.code).toBe(2);
    const [root] = named(spans, 'process batch q');
    expect(root?.attributes['skico.acked_count']).toBe(1);
    expect(root?.status.code).toBe(0);
  });
});
