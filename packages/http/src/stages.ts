import { AsyncResource } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@skico/errors';
import type { Logger } from '@skico/log';
import { activeTracer } from '@skico/tracing';
import qs from 'qs';

declare module 'http' {
  interface IncomingMessage {
    /** The request id: the caller's X-Request-Id when well-formed, else a new one. */
    id: string;
    /** The process's logger, stamped on arrival; `requestLog(req)` gives one carrying the request id. */
    logger?: Logger;
    /** When the request arrived (ms since epoch): budgets count from here. */
    arrivedAt: number;
    /**
     * The route template (`/resorts/:resortID`) of a request routed without express's router (contract
     * operations are dispatched from the contract's matcher); metrics and traces label the request with it.
     */
    routeTemplate?: string;
  }
}

/**
 * One step of request handling on node's own request and response: it answers, throws (or rejects), or
 * calls `next()` to hand over to the next step. Express takes the same functions as middleware.
 */
export type Stage = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => unknown;

/**
 * Runs stages in order without a router: each one continues with `next()`; a throw, a rejected promise
 * or `next(err)` goes to `onError`; after the last stage comes `done`.
 */
export function runStages(
  stages: readonly Stage[],
  req: IncomingMessage,
  res: ServerResponse,
  onError: (err: unknown) => void,
  done: () => void,
): void {
  let index = 0;
  const next = (err?: unknown) => {
    if (err !== undefined && err !== null) {
      onError(err);
      return;
    }
    const stage = stages[index++];
    if (!stage) {
      done();
      return;
    }
    try {
      const out = stage(req, res, next);
      if (out instanceof Promise) out.catch(onError);
    } catch (thrown) {
      onError(thrown);
    }
  };
  next();
}

/** The path of a request's URL, without its query (express's `req.path` at the top level). */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/** A request header as one string (the first when repeated), or undefined: express's `req.get`. */
export function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The query string parsed as express's `extended` query parser does (repeated keys become arrays).
 */
export function queryOf(req: IncomingMessage): Record<string, unknown> {
  const url = req.url ?? '/';
  const start = url.indexOf('?');
  return start === -1 ? {} : qs.parse(url.slice(start + 1), { allowPrototypes: true });
}

/**
 * The body read by `readBody`, parsed as JSON when it is declared as `application/json` (an empty one is
 * `{}`), as express's JSON parser does; otherwise undefined.
 * @throws AppError `invalid` (400) when the body is not valid UTF-8 JSON.
 */
export function jsonOf(req: IncomingMessage): unknown {
  const body = (req as { body?: unknown }).body;
  if (!Buffer.isBuffer(body)) return undefined;
  const [type, ...parameters] = (headerOf(req, 'content-type') ?? '').toLowerCase().split(';');
  if (type?.trim() !== 'application/json') return undefined;
  // RFC 8259 §8.1: JSON between systems is UTF-8.
  const charset = parameters.map((p) => p.trim()).find((p) => p.startsWith('charset='));
  if (charset !== undefined && !['charset=utf-8', 'charset="utf-8"'].includes(charset)) {
    throw new AppError('invalid', 'UNSUPPORTED_ENCODING', 'The request body must be UTF-8 JSON.');
  }
  if (body.length === 0) return {};
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new AppError('invalid', 'MALFORMED_JSON', 'The request body is not valid JSON.');
  }
}

/** Adds a field to the Vary header of the answer unless it is there already. */
export function vary(res: ServerResponse, field: string): void {
  const current = res.getHeader('vary');
  if (current === undefined) {
    res.setHeader('Vary', field);
    return;
  }
  const fields = String(current)
    .split(',')
    .map((f) => f.trim().toLowerCase());
  if (!fields.includes(field.toLowerCase()) && !fields.includes('*')) res.setHeader('Vary', `${current}, ${field}`);
}

/** Sends a value as JSON, with its length. */
export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/**
 * Reads the request body as bytes into `req.body`, refusing more than `limitBytes` with 413 (from the
 * declared length before reading anything, else as soon as the bytes pass it). A request without a body
 * (no Content-Length, no Transfer-Encoding) keeps `req.body` undefined. A compressed body is refused
 * with 400.
 */
export function readBody(limitBytes: number): Stage {
  // With tracing on, the read's end is bound to the request's async context, so that its span stays active.
  const keepContext = activeTracer() ? AsyncResource.bind : <F>(fn: F) => fn;
  return (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || req.headers['content-length'] !== undefined;
    if (!hasBody) {
      next();
      return;
    }
    const encoding = (headerOf(req, 'content-encoding') ?? 'identity').toLowerCase();
    if (encoding !== 'identity') {
      throw new AppError(
        'invalid',
        'UNSUPPORTED_ENCODING',
        `Content-Encoding ${encoding} is not accepted; send the body uncompressed.`,
      );
    }
    const tooLarge = () => new AppError('too-large', 'BODY_TOO_LARGE', 'The request body is too large.');
    if (Number(req.headers['content-length']) > limitBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const settle = keepContext((err?: unknown) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      if (err === undefined) {
        (req as IncomingMessage & { body?: Buffer }).body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      }
      next(err);
    });
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limitBytes) settle(tooLarge());
      else chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => settle());
    req.once('error', (err) => {
      settle(new AppError('invalid', 'BODY_UNREADABLE', 'The request body could not be read.', { cause: err }));
    });
  };
}
