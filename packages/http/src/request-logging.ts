import type { Logger } from '@skico/log';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
import { pathOf, type Stage } from './stages.ts';

/**
 * Stamps the request id (and echoes it in the answer), gives the request a logger carrying it, and logs
 * one line at debug when the answer is sent (an access-log line per request costs about as much CPU as
 * the request itself; `LOG_LEVEL=debug` turns it on; failures are logged by the error handler). The
 * child logger is created only when something logs, and the completion line only when its level is
 * enabled: on the hot path, with request lines off, this costs a few property writes.
 */
export function requestLogging(log: Logger) {
  const stage: Stage = (req, res, next) => {
    const id = requestIdOf(req);
    req.id = id;
    req.arrivedAt = Date.now();
    res.setHeader(REQUEST_ID_HEADER, id);
    let child: Logger | undefined;
    Object.defineProperty(req, 'log', {
      configurable: true,
      get: () => {
        child ??= log.child({ requestId: id });
        return child;
      },
    });
    const started = performance.now();
    res.once('finish', () => {
      // Health probes every few seconds would drown the useful lines.
      if (!log.isLevelEnabled('debug') || pathOf(req).startsWith('/health')) return;
      req.log.debug(
        {
          req: { method: req.method, url: req.url },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        'request completed',
      );
    });
    next();
  };
  return stage;
}
