import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind, trace } from './index.ts';
import { extractContext, injectContext, isSampled } from './propagation.ts';
import { inChildSpan, withSpan } from './spans.ts';
import { activeTracer, startTracing, type Tracing, tracesUrl } from './tracing.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const parentId = '00f067aa0ba902b7';
const traceparent = `00-${traceId}-${parentId}-01`;

let tracing: Tracing | undefined;
afterEach(async () => {
  await tracing?.shutdown();
  tracing = undefined;
});

function start() {
  const exporter = new InMemorySpanExporter();
  tracing = startTracing({ endpoint: '', serviceName: 'unit', exporter });
  const tracer = activeTracer();
  if (!tracer) throw new Error('tracing did not start');
  return { exporter, tracer };
}

describe('propagation with tracing off', () => {
  it('when no endpoint is configured, then nothing is registered and headers are returned untouched', () => {
    tracing = startTracing({ endpoint: '', serviceName: 'unit' });
    expect(tracing.enabled).toBe(false);
    expect(activeTracer()).toBeUndefined();
    const headers = { 'x-request-id': 'r-1' };
    const parent = extractContext({ traceparent });
    expect(injectContext(headers, parent)).toBe(headers);
    expect(headers).toEqual({ 'x-request-id': 'r-1' });
  });
});

describe('propagation with tracing on', () => {
  it('when a carrier has a well-formed traceparent, then its trace id, parent span id and flags are extracted', () => {
    const ctx = extractContext({ traceparent, tracestate: 'vendor=1' });
    const spanContext = trace.getSpanContext(ctx);
    expect(spanContext).toMatchObject({ traceId, spanId: parentId, traceFlags: 1, isRemote: true });
    expect(spanContext?.traceState?.get('vendor')).toBe('1');
    expect(isSampled(ctx)).toBe(true);
  });

  it('when the traceparent is missing or malformed, then the context is empty and a span starts a new trace', () => {
    for (const carrier of [{}, { traceparent: 'garbage' }, { traceparent: `00-${'0'.repeat(32)}-${parentId}-01` }]) {
      expect(trace.getSpanContext(extractContext(carrier))).toBeUndefined();
    }
  });

  it('when a span of an extracted context is injected into headers, then they carry its trace and its own span id', () => {
    const { tracer } = start();
    const parent = extractContext({ traceparent, tracestate: 'vendor=1' });
    const span = tracer.startSpan('child', { kind: SpanKind.CLIENT }, parent);
    const headers: Record<string, unknown> = { 'x-request-id': 'r-2' };
    const returned = injectContext(headers, trace.setSpan(parent, span));
    span.end();

    expect(returned).toBe(headers);
    expect(headers.traceparent).toBe(`00-${traceId}-${span.spanContext().spanId}-01`);
    expect(headers.tracestate).toBe('vendor=1');
    expect(headers['x-request-id']).toBe('r-2');
    // Round trip: what is extracted on the other side is the injected span.
    expect(trace.getSpanContext(extractContext(headers))).toMatchObject({
      traceId,
      spanId: span.spanContext().spanId,
    });
  });

  it('when AMQP hands the header back as bytes, then it is still extracted', () => {
    const ctx = extractContext({ traceparent: Buffer.from(traceparent, 'latin1') });
    expect(trace.getSpanContext(ctx)?.traceId).toBe(traceId);
  });

  it('when the context holds no span, then injection leaves the headers untouched', () => {
    start();
    const headers = { accept: 'application/json' };
    expect(injectContext(headers)).toEqual({ accept: 'application/json' });
  });

  it('when the caller did not sample its trace, then the flag travels on and children are not recorded', async () => {
    const { tracer, exporter } = start();
    const parent = extractContext({ traceparent: `00-${traceId}-${parentId}-00` });
    expect(isSampled(parent)).toBe(false);
    const span = tracer.startSpan('server', { kind: SpanKind.SERVER }, parent);
    expect(span.isRecording()).toBe(false);
    const headers = injectContext<Record<string, unknown>>({}, trace.setSpan(parent, span));
    expect(headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    span.end();
    await tracing?.flush();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});

describe('child spans', () => {
  it('when there is no active span, then the work runs without a span', async () => {
    const { tracer, exporter } = start();
    const seen = await inChildSpan(tracer, 'call', { kind: SpanKind.CLIENT }, async (span) => span);
    expect(seen).toBeUndefined();
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('when a span is active, then the work runs in a child span that fails with the error it throws', async () => {
    const { tracer, exporter } = start();
    const parent = extractContext({ traceparent });
    const server = tracer.startSpan('server', { kind: SpanKind.SERVER }, parent);
    await withSpan(parent, server, async () => {
      await inChildSpan(tracer, 'ok', { kind: SpanKind.CLIENT }, async () => 'fine');
      await expect(
        inChildSpan(tracer, 'broken', { kind: SpanKind.INTERNAL, activate: true }, async () => {
          await inChildSpan(tracer, 'inner', { kind: SpanKind.CLIENT }, async () => undefined);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
    });
    server.end();
    const spans = Object.fromEntries(exporter.getFinishedSpans().map((s) => [s.name, s]));
    const serverId = server.spanContext().spanId;
    expect(spans.ok?.parentSpanContext?.spanId).toBe(serverId);
    expect(spans.ok?.status.code).toBe(0);
    expect(spans.broken?.parentSpanContext?.spanId).toBe(serverId);
    expect(spans.broken?.status).toMatchObject({ code: 2, message: 'boom' });
    // activate: spans started inside the work are children of the new span.
    expect(spans.inner?.parentSpanContext?.spanId).toBe(spans.broken?.spanContext().spanId);
    expect(new Set(exporter.getFinishedSpans().map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
  });
});

describe('exporter address', () => {
  it('when the endpoint is a base URL, then spans go to /v1/traces under it', () => {
    expect(tracesUrl('http://jaeger:4318')).toBe('http://jaeger:4318/v1/traces');
    expect(tracesUrl('http://collector:4318/otlp/')).toBe('http://collector:4318/otlp/v1/traces');
  });
});
