import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_REQUEST_ID,
  ATTR_URL_PATH,
  extractContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  withSpan,
} from '@skico/tracing';
import { routeLabel } from './metrics.ts';
import { pathOf, type Stage } from './stages.ts';

/**
 * A server span per request, child of the caller's span when the request carries W3C `traceparent` (and
 * `tracestate`), else the root of a new trace. It is named `METHOD /route/:template` once the route is
 * known, carries the status code and the request id, fails on 5xx, and is the active span while the
 * request is handled, so that upstream calls, publishes and guarded calls become its children. Health
 * probes and metric scrapes get none. Mounted only when tracing is on: off, it costs nothing per request.
 */
export function requestTracing(tracer: Tracer): Stage {
  return (req, res, next) => {
    const path = pathOf(req);
    if (path.startsWith('/health') || path === '/metrics') {
      next();
      return;
    }
    const parent = extractContext(req.headers);
    const span = tracer.startSpan(
      req.method ?? 'GET',
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_URL_PATH]: path, [ATTR_REQUEST_ID]: req.id },
      },
      parent,
    );
    // 'close' comes after 'finish', and also when the client went away before the answer was sent.
    res.once('close', () => {
      const route = routeLabel(req);
      span.updateName(`${req.method} ${route}`);
      if (route !== 'unmatched') span.setAttribute(ATTR_HTTP_ROUTE, route);
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      else if (!res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR, message: 'client went away' });
      span.end();
    });
    withSpan(parent, span, next);
  };
}
