import {
  type Attributes,
  type Context,
  context,
  type Link,
  type Span,
  type SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

export interface ChildSpanOptions {
  kind: SpanKind;
  attributes?: Attributes;
  /** Spans this one is related to without being their child (the requests whose items a message carries). */
  links?: Link[];
  /** Makes the span the active one while `work` runs, so that spans started inside are its children. */
  activate?: boolean;
  /** Whether an error thrown by `work` means the span failed; by default every error does. */
  failed?: (error: unknown) => boolean;
  /** The `error.type` of a failure (a reason such as `timeout`); by default the error's name. */
  errorType?: (error: unknown) => string | undefined;
}

/** Sets a span's error status, with the error's message and its kind as `error.type`. */
export function markFailed(span: Span, error: unknown, type?: string): void {
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.setAttribute(ATTR_ERROR_TYPE, type ?? (error instanceof Error ? error.name : 'error'));
}

/**
 * Runs `work` in a new child span of the active span, ended when `work` settles, with error status when it
 * throws. `work` gets the span and a context holding it (to inject into outgoing headers). Outside a trace
 * (no active span: a health probe, a background check) `work` runs as it is, with no span, so that those
 * calls do not each start a trace of their own.
 */
export async function inChildSpan<T>(
  tracer: Tracer,
  name: string,
  options: ChildSpanOptions,
  work: (span: Span | undefined, ctx: Context) => Promise<T>,
): Promise<T> {
  const parent = context.active();
  if (trace.getSpan(parent) === undefined) return work(undefined, parent);
  const span = tracer.startSpan(
    name,
    { kind: options.kind, attributes: options.attributes, links: options.links },
    parent,
  );
  const ctx = trace.setSpan(parent, span);
  try {
    return await (options.activate ? context.with(ctx, work, undefined, span, ctx) : work(span, ctx));
  } catch (error) {
    if (options.failed?.(error) ?? true) markFailed(span, error, options.errorType?.(error));
    throw error;
  } finally {
    span.end();
  }
}

/** Runs `fn` with `span` as the active span (its parent context given), so that work inside nests under it. */
export function withSpan<T>(parent: Context, span: Span, fn: () => T): T {
  return context.with(trace.setSpan(parent, span), fn);
}
