// The 'k6/http' module as the runner implements it: the default export's get, post and expectedStatuses;
// params headers, tags, timeout and responseCallback; a response's status, body, headers, json() and
// timings.duration. Reading anything else throws (see strict()).
import { httpCall, requireVuCode, strict, unsupported } from './runtime.js';

/** @import { HttpResponseMessage, StatusRange } from '../protocol.ts' */

/** k6's default: 200..399 are expected, anything else counts in http_req_failed. */
const DEFAULT_EXPECTED = /** @type {StatusRange[]} */ ([[200, 399]]);
const PARAMS = new Set(['headers', 'tags', 'timeout', 'responseCallback']);

/** What http.expectedStatuses returns: opaque to the script, read only by request(). */
const callbacks = new WeakMap();

/** @param {...(number | { min: number, max: number })} statuses */
function expectedStatuses(...statuses) {
  /** @type {StatusRange[]} */
  const ranges = statuses.map((s) => {
    if (typeof s === 'number' && Number.isInteger(s)) return [s, s];
    if (typeof s === 'object' && s !== null && Number.isInteger(s.min) && Number.isInteger(s.max))
      return [s.min, s.max];
    throw new TypeError(`expectedStatuses() takes status codes or {min, max}, not ${JSON.stringify(s)}`);
  });
  const callback = Object.freeze({});
  callbacks.set(callback, ranges);
  return callback;
}

/**
 * @param {string} where
 * @param {unknown} map
 */
function stringMap(where, map) {
  if (map === undefined) return {};
  if (typeof map !== 'object' || map === null) throw new TypeError(`${where} must be an object`);
  for (const [key, value] of Object.entries(map)) {
    if (typeof value !== 'string') throw unsupported(`a non-string value in ${where}.${key}`);
  }
  return /** @type {Record<string, string>} */ (map);
}

/** @param {unknown} params */
function readParams(params) {
  if (params === undefined || params === null) return { headers: {}, timeout: undefined, expected: DEFAULT_EXPECTED };
  if (typeof params !== 'object') throw new TypeError('http params must be an object');
  for (const key of Object.keys(params)) if (!PARAMS.has(key)) throw unsupported(`the http param "${key}"`);
  const p = /** @type {{ headers?: unknown, tags?: unknown, timeout?: unknown, responseCallback?: unknown }} */ (
    params
  );
  stringMap('params.tags', p.tags); // tags only label samples, and the runner has no tag-filtered thresholds
  if (p.timeout !== undefined && typeof p.timeout !== 'string') throw unsupported('a timeout that is not a string');
  let expected = DEFAULT_EXPECTED;
  if (p.responseCallback !== undefined) {
    expected = callbacks.get(/** @type {object} */ (p.responseCallback));
    if (!expected) throw unsupported('a responseCallback other than http.expectedStatuses(...)');
  }
  return { headers: stringMap('params.headers', p.headers), timeout: p.timeout, expected };
}

/** @param {HttpResponseMessage} answer */
function response(answer) {
  /** @type {unknown} */
  let parsed;
  return strict('response', {
    status: answer.status,
    body: answer.body,
    headers: answer.headers,
    timings: strict('response.timings', { duration: answer.durationMs }),
    /** @param {unknown} [selector] */
    json(selector) {
      if (selector !== undefined) throw unsupported('response.json(selector)');
      if (answer.body === null) throw new Error('response.json(): the response has no body');
      if (parsed === undefined) parsed = JSON.parse(answer.body);
      return parsed;
    },
  });
}

/**
 * @param {'GET' | 'POST'} method
 * @param {unknown} url
 * @param {unknown} body
 * @param {unknown} params
 */
function request(method, url, body, params) {
  requireVuCode(`http.${method.toLowerCase()}()`);
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw unsupported(`a URL that is not an http(s) string`);
  if (body !== null && body !== undefined && typeof body !== 'string')
    throw unsupported('a request body that is not a string');
  const { headers, timeout, expected } = readParams(params);
  return response(httpCall({ method, url, headers, body: body ?? null, timeout, expected }));
}

/**
 * @param {unknown} url
 * @param {unknown} [params]
 * @param {...unknown} rest
 */
function get(url, params, ...rest) {
  if (rest.length > 0) throw unsupported('http.get() with more than url and params');
  return request('GET', url, null, params);
}

/**
 * @param {unknown} url
 * @param {unknown} [body]
 * @param {unknown} [params]
 */
function post(url, body, params) {
  return request('POST', url, body, params);
}

export default strict('http', { get, post, expectedStatuses });
