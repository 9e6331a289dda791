import type { IncomingMessage, ServerResponse } from 'node:http';
import { allowedMethods } from '@skico/contracts';
import { AppError } from '@skico/errors';
import { headerOf, pathOf, type Stage, vary } from '@skico/http';

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
