import type { IncomingMessage } from 'node:http';
import type { Logger } from '@skico/log';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
import { pathOf, type Stage } from './stages.ts';

const children = new WeakMap<IncomingMessage, Logger>();

/** A logger whose every line carries the request's id, made the first time a request logs anything. */
export function requestLog(req: IncomingMessage): Logger | undefined {
  const parent = req.logger;
  if (!parent) return undefined;
  let child = children.get(req);
  if (!child) {
    child = parent.child({ requestId: req.id });
    children.set(req, child);
  }
  return child;
}

/**
 * Stamps the request id (and echoes it in the answer) and the process's logger, and logs one line at
 * debug when the answer is sent (an access-log line per request costs about as much CPU as the request
 * itself; `LOG_LEVEL=debug` turns it on; failures are logged by the error handler). On the hot path, with
 * request lines off, this costs three property writes and a header: the request's own logger is made
 * only when something logs.
 */
export function requestLogging(log: Logger): Stage {
  return (req, res, next) => {
    const id = requestIdOf(req);
    req.id = id;
    req.arrivedAt = Date.now();
    req.logger = log;
    res.setHeader(REQUEST_ID_HEADER, id);
    // Health probes every few seconds would drown the useful lines.
    if (log.isLevelEnabled('debug') && !pathOf(req).startsWith('/health')) {
      const started = performance.now();
      res.once('finish', () => {
        requestLog(req)?.debug(
          {
            req: { method: req.method, url: req.url },
            res: { statusCode: res.statusCode },
            responseTime: Math.round(performance.now() - started),
          },
          'request completed',
        );
      });
    }
    next();
  };
}
