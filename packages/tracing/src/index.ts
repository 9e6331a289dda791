export {
  type Attributes,
  type Context,
  context,
  type Link,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
export {
  ATTR_ACKED_COUNT,
  ATTR_DELIVERY_COUNT,
  ATTR_DEPENDENCY,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_MESSAGING_BATCH_MESSAGE_COUNT,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_RABBITMQ_ROUTING_KEY,
  ATTR_MESSAGING_SYSTEM,
  ATTR_OUTCOME,
  ATTR_PEER_SERVICE,
  ATTR_REQUEST_ID,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
} from './attributes.ts';
export { type Carrier, extractContext, injectContext, isSampled } from './propagation.ts';
export { type ChildSpanOptions, inChildSpan, markFailed, withSpan } from './spans.ts';
export { activeTracer, startTracing, type Tracing, type TracingOptions, tracesUrl } from './tracing.ts';
