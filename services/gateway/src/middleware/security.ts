import type { IncomingMessage, ServerResponse } from 'node:http';
import { allowedMethods } from '@skico/contracts';
import { AppError } from '@skico/errors';
import { headerOf, pathOf, type Stage, vary } from '@skico/http';
import helmet from 'helmet';

/**
 * Browser-facing headers on every answer: helmet's set, with a CSP that still lets /docs run from this
 * origin. Helmet's headers do not depend on the request, so they are worked out once and then copied.
 */
export function securityHeaders(): Stage {
  const headers: [string, string][] = [];
  const recorder = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.push([name, String(value)]),
    removeHeader: () => undefined,
  };
  helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'frame-ancestors': ["'none'"],
        'connect-src': ["'self'"],
        // TLS ends in front of the gateway; upgrading /docs' own requests would break it on plain HTTP.
        'upgrade-insecure-requests': null,
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  })({} as IncomingMessage, recorder as unknown as ServerResponse, () => undefined);
  return (_req, res, next) => {
    for (const [name, value] of headers) res.setHeader(name, value);
    next();
  };
}

const corsMethods = 'GET, POST, PUT, DELETE';
const allowedHeaders = [
  'authorization',
  'content-type',
  'idempotency-key',
  'if-none-match',
  'request-timeout',
  'x-api-key',
  'x-request-id',
].join(', ');
const exposedHeaders = [
  'etag',
  'idempotent-replayed',
  'location',
  'ratelimit-limit',
  'ratelimit-policy',
  'ratelimit-remaining',
  'ratelimit-reset',
  'retry-after',
  'x-request-id',
].join(', ');

/** A plain OPTIONS on a known path: 204 with Allow from the contract (express would answer 200 with text). */
function answerOptions(req: IncomingMessage, res: ServerResponse, next: () => void) {
  const methods = allowedMethods(pathOf(req));
  if (methods.length === 0) {
    next();
    return;
  }
  res.setHeader('Allow', methods.join(', '));
  res.statusCode = 204;
  res.end();
}

/**
 * CORS with an explicit allow-list: an allowed origin may read answers and send the API's headers; any
 * other origin gets no CORS header (the browser withholds the answer) and its preflight is refused with
 * 403. No credentials: the API authenticates with bearer tokens, never cookies.
 */
export function cors(origins: readonly string[]): Stage {
  const allowed = new Set(origins);
  return (req, res, next) => {
    vary(res, 'Origin');
    const origin = headerOf(req, 'origin');
    const preflight = req.method === 'OPTIONS' && headerOf(req, 'access-control-request-method') !== undefined;
    if (req.method === 'OPTIONS' && !preflight) {
      answerOptions(req, res, next);
      return;
    }
    if (origin === undefined || !allowed.has(origin)) {
      if (preflight) {
        throw new AppError('forbidden', 'CORS_ORIGIN_NOT_ALLOWED', 'This origin may not call the API from a browser.');
      }
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (!preflight) {
      res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
      next();
      return;
    }
    res.setHeader('Access-Control-Allow-Methods', corsMethods);
    res.setHeader('Access-Control-Allow-Headers', allowedHeaders);
    res.setHeader('Access-Control-Max-Age', '600');
    res.statusCode = 204;
    res.end();
  };
}

export interface ShapeLimits {
  maxUrlLength: number;
  maxQueryParams: number;
}

/** Refuses URLs over the length limit (414) and query strings with too many parameters, repeats counted (400). */
export function requestShapeLimits(limits: ShapeLimits): Stage {
  return (req, _res, next) => {
    const url = req.url ?? '/';
    if (url.length > limits.maxUrlLength) {
      throw new AppError('uri-too-long', 'URL_TOO_LONG', `The URL is longer than ${limits.maxUrlLength} characters.`);
    }
    const start = url.indexOf('?');
    if (start >= 0) {
      let count = 0;
      for (const pair of url.slice(start + 1).split('&')) if (pair.length > 0) count += 1;
      if (count > limits.maxQueryParams) {
        throw new AppError(
          'invalid',
          'TOO_MANY_QUERY_PARAMETERS',
          `The query has ${count} parameters; at most ${limits.maxQueryParams} are accepted.`,
        );
      }
    }
    next();
  };
}
