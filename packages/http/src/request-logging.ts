import type { Logger } from '@skico/log';
import type { NextFunction, Request, Response } from 'express';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';

declare global {
  namespace Express {
    interface Request {
      /** The request id: the caller's X-Request-Id when well-formed, else a new one. */
      id: string;
      /** A child logger whose every line carries the request id. */
      log: Logger;
      /** When the request arrived (ms since epoch): budgets count from here. */
      arrivedAt: number;
    }
  }
}

/**
 * Stamps the request id (and echoes it in the answer), gives the request a logger carrying it, and logs
 * one line when the answer is sent: server errors at error, every other answer at debug (an access log
 * line per request costs about as much CPU as the request itself; `LOG_LEVEL=debug` turns it on). The
 * child logger is created only when something logs, and the completion line only when its level is
 * enabled: on the hot path, with request lines off, this costs a few property writes.
 */
export function requestLogging(log: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
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
      const level = res.statusCode >= 500 ? 'error' : 'debug';
      // Health probes every few seconds would drown the useful lines.
      if (!log.isLevelEnabled(level) || req.path.startsWith('/health')) return;
      req.log[level](
        {
          req: { method: req.method, url: req.originalUrl },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
        },
        'request completed',
      );
    });
    next();
  };
}
