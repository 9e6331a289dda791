import {
  type Context,
  context,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { activeTracer } from './tracing.ts';

/** HTTP request headers or AMQP message headers: lower-case names, string (or Buffer) values. */
export type Carrier = Record<string, unknown>;

const w3c = new W3CTraceContextPropagator();

const getter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (typeof value === 'string') return value;
    // AMQP may hand a header back as bytes.
    if (Buffer.isBuffer(value)) return value.toString('latin1');
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
    return undefined;
  },
};

const setter: TextMapSetter<Carrier> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

/**
 * Writes the W3C `traceparent` (and `tracestate`) of the span in `ctx` into the carrier and returns it.
 * With tracing off, or no span in `ctx`, the carrier is returned untouched.
 */
export function injectContext<C extends Carrier>(carrier: C, ctx: Context = context.active()): C {
  if (activeTracer()) w3c.inject(ctx, carrier, setter);
  return carrier;
}

/**
 * The remote parent a carrier brings (its `traceparent` and `tracestate`), as a context to start a span
 * in. A missing or malformed header gives the empty context: the span then starts a new trace.
 */
export function extractContext(carrier: Carrier): Context {
  return w3c.extract(ROOT_CONTEXT, carrier, getter);
}

/** Whether a context holds a span that was sampled, i.e. whose children are recorded and exported. */
export function isSampled(ctx: Context): boolean {
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
}
