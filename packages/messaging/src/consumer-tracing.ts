import {
  ATTR_ACKED_COUNT,
  ATTR_DELIVERY_COUNT,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM,
  ATTR_OUTCOME,
  type Context,
  extractContext,
  isSampled,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@skico/tracing';
import { type Delivery, type Outcome, outcomeName } from './delivery.ts';

/** The SDK keeps at most 128 links per span by default; more would only be dropped. */
const MAX_LINKS = 128;
/** The parts of a split message that went on as messages of their own: tried again, or dead-lettered. */
const ATTR_PARTS_RETRIED = 'skico.parts_retried';
const ATTR_PARTS_REJECTED = 'skico.parts_rejected';

export interface BatchSpans {
  /** The context to run the handler in: what it does (the guarded Postgres write) nests under the batch span. */
  context: Context;
  /** Ends every span of the batch with what became of each message (a split one counts as acked). */
  end: (outcomes: Outcome[]) => void;
}

/**
 * The spans of one batch, for a trace viewer such as Jaeger:
 * - `process batch <queue>`: the root of a trace of its own, over the whole handling of the batch (the
 *   write, and any wait while a dependency is down), linked to the producer span of each message;
 * - `process <queue>` per message that arrived within a sampled trace: a child of the producer span it
 *   carries in its headers, so that one request's trace reads gateway → service → publish → worker as a
 *   single tree; it lasts as long as the batch, says what became of the message, and links to the batch.
 * Messages published without a sampled trace get no span of their own.
 */
export function startBatchSpans(tracer: Tracer, queue: string, deliveries: Delivery[]): BatchSpans {
  const common = {
    [ATTR_MESSAGING_SYSTEM]: 'rabbitmq',
    [ATTR_MESSAGING_OPERATION_TYPE]: 'process',
    [ATTR_MESSAGING_DESTINATION_NAME]: queue,
  };
  const parents = deliveries.map((d) => (d.headers.traceparent === undefined ? undefined : extractContext(d.headers)));
  const links: Link[] = [];
  for (const parent of parents) {
    const spanContext = parent && trace.getSpanContext(parent);
    if (spanContext) links.push({ context: spanContext });
    if (links.length >= MAX_LINKS) break;
  }
  const batch = tracer.startSpan(`process batch ${queue}`, {
    kind: SpanKind.CONSUMER,
    root: true,
    attributes: { ...common, [ATTR_MESSAGING_BATCH_MESSAGE_COUNT]: deliveries.length },
    links,
  });
  const toBatch: Link[] = [{ context: batch.spanContext() }];
  const messages = parents.map((parent, i): Span | undefined => {
    if (!parent || !isSampled(parent)) return undefined;
    const delivery = deliveries[i] as Delivery;
    return tracer.startSpan(
      `process ${queue}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...common,
          [ATTR_MESSAGING_MESSAGE_ID]: delivery.messageId ?? '',
          [ATTR_DELIVERY_COUNT]: delivery.deliveryCount,
        },
        links: toBatch,
      },
      parent,
    );
  });

  return {
    context: trace.setSpan(ROOT_CONTEXT, batch),
    end: (outcomes) => {
      messages.forEach((span, i) => {
        if (!span) return;
        const outcome = outcomes[i] ?? 'retry';
        const name = outcomeName(outcome);
        span.setAttribute(ATTR_OUTCOME, name);
        // A split message is acked: the parts that did not go through are messages of their own now.
        if (typeof outcome !== 'string') {
          span.setAttribute(ATTR_PARTS_RETRIED, outcome.split.filter((p) => p.outcome === 'retry').length);
          span.setAttribute(ATTR_PARTS_REJECTED, outcome.split.filter((p) => p.outcome === 'reject').length);
        } else if (outcome !== 'ack') span.setStatus({ code: SpanStatusCode.ERROR, message: `message ${outcome}` });
        span.end();
      });
      const acked = outcomes.filter((o) => o !== 'retry' && o !== 'reject').length;
      batch.setAttribute(ATTR_ACKED_COUNT, acked);
      if (acked === 0 && outcomes.length > 0) batch.setStatus({ code: SpanStatusCode.ERROR, message: 'nothing acked' });
      batch.end();
    },
  };
}
