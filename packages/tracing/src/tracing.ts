import { hostname } from 'node:os';
import { context, type Tracer, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { setGlobalErrorHandler } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_INSTANCE_ID, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

// OpenTelemetry's API is process-global by design: the context manager has to be, for a span to follow a
// request through every await. This module mirrors it with one variable, set by startTracing() in a
// composition root. Every hook (server, client, producer, consumer and breaker spans) reads it once, when
// its app, client or consumer is created; with tracing off nothing else is registered or allocated.
let tracer: Tracer | undefined;

/** The tracer when tracing is on in this process, else undefined. Hooks ask once, at creation. */
export function activeTracer(): Tracer | undefined {
  return tracer;
}

export interface TracingOptions {
  /** Base URL of an OTLP/HTTP receiver (OTEL_EXPORTER_OTLP_ENDPOINT); spans go to `/v1/traces` under it. Empty: off. */
  endpoint: string;
  /** The `service.name` of every span of this process. */
  serviceName: string;
  /** Receives the spans instead of the OTLP exporter, each as it ends (unit tests). */
  exporter?: SpanExporter;
  /** Told when an export fails, at most once a minute: the collector is down or refuses the spans. */
  onError?: (message: string) => void;
}

export interface Tracing {
  enabled: boolean;
  /** Exports every span ended so far. */
  flush: () => Promise<void>;
  /** Exports what is left (waiting 2 s at most) and turns tracing off again. */
  shutdown: () => Promise<void>;
}

/** How long a stop waits for the last spans to be sent. */
const SHUTDOWN_TIMEOUT_MS = 2_000;

const off: Tracing = { enabled: false, flush: async () => undefined, shutdown: async () => undefined };

/** `/v1/traces` under the configured base URL, as the OTLP exporter specification builds it. */
export function tracesUrl(endpoint: string): string {
  return `${endpoint.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Turns tracing on for this process when an endpoint (or a test exporter) is given: W3C trace context,
 * an AsyncLocalStorage context manager, and a batch span processor that sends OTLP/HTTP JSON. The SDK's
 * standard variables apply as usual (OTEL_TRACES_SAMPLER and its argument, OTEL_BSP_* for the batching).
 * Without an endpoint it returns at once and registers nothing.
 * @throws Error when tracing is already on in this process.
 */
export function startTracing(options: TracingOptions): Tracing {
  if (!options.endpoint && !options.exporter) return off;
  if (tracer) throw new Error('tracing is already on in this process');
  const processor = options.exporter
    ? new SimpleSpanProcessor(options.exporter)
    : new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint) }));
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_INSTANCE_ID]: `${hostname()}:${process.pid}`,
    }),
    spanProcessors: [processor],
  });
  let lastReported = 0;
  setGlobalErrorHandler((error) => {
    if (Date.now() - lastReported < 60_000) return;
    lastReported = Date.now();
    options.onError?.(error instanceof Error ? error.message : String(error));
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  tracer = provider.getTracer('skico');

  return {
    enabled: true,
    flush: () => provider.forceFlush(),
    shutdown: async () => {
      let timer: NodeJS.Timeout | undefined;
      try {
        // A receiver that is down would hold the exit for the exporter's retries; its spans are lost anyway.
        await Promise.race([
          provider.shutdown(),
          new Promise((resolve) => {
            timer = setTimeout(resolve, SHUTDOWN_TIMEOUT_MS);
          }),
        ]);
      } finally {
        clearTimeout(timer);
        tracer = undefined;
        trace.disable();
        context.disable();
      }
    },
  };
}
