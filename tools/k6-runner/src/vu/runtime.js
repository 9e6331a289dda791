// The state of one VU thread, shared by the k6 module shims. Plain JavaScript: VU threads run on bare
// Node (no TypeScript loader), which keeps starting one thread per VU cheap.
import { receiveMessageOnPort, workerData } from 'node:worker_threads';

/** @import { HttpRequestMessage, HttpResponseMessage, HttpUsageError, VuWorkerData } from '../protocol.ts' */
/** @import { MetricDefinition } from '../metrics.ts' */

const data = /** @type {VuWorkerData} */ (workerData);
const bridgeFlag = new Int32Array(data.flag);
const sleeper = new Int32Array(new SharedArrayBuffer(4));

export const state = {
  /** @type {'init' | 'vu'} k6's init context, then VU code (the exported functions). */
  phase: /** @type {'init' | 'vu'} */ ('init'),
  /** @type {MetricDefinition[]} custom metrics declared in the init context */
  metrics: [],
  /** @type {[string, number][]} custom metric samples of the running iteration */
  samples: [],
  /** @type {[string, boolean][]} check results of the running iteration */
  checks: [],
};

/**
 * The error for anything a script uses that the runner does not implement.
 * @param {string} what
 */
export function unsupported(what) {
  return new Error(`k6-runner does not implement ${what}: extend tools/k6-runner or change the script`);
}

/** @param {string} what */
export function requireVuCode(what) {
  if (state.phase === 'init') throw new Error(`k6-runner: ${what} is not allowed in the init context (nor in k6)`);
}

/** @param {string} what */
export function requireInitContext(what) {
  if (state.phase !== 'init') throw new Error(`k6-runner: ${what} is only allowed in the init context (as in k6)`);
}

/**
 * Wraps an API object so that reading any property it lacks throws instead of answering undefined:
 * a script can never silently rely on a part of the k6 API that the runner does not implement.
 * @template {object} T
 * @param {string} name
 * @param {T} target
 * @returns {T}
 */
export function strict(name, target) {
  return new Proxy(target, {
    get(t, prop, receiver) {
      if (typeof prop === 'symbol' || prop in t) return Reflect.get(t, prop, receiver);
      throw unsupported(`${name}.${prop}`);
    },
    set(_t, prop) {
      throw new Error(`k6-runner: ${name}.${String(prop)} is read-only`);
    },
  });
}

/**
 * Sends a request over the HTTP bridge and blocks this VU (only this thread) until the answer is in:
 * k6's http API is synchronous. The coordinator does the fetch, then flips the flag and notifies.
 * @param {HttpRequestMessage} request
 * @returns {HttpResponseMessage}
 */
export function httpCall(request) {
  Atomics.store(bridgeFlag, 0, 0);
  data.port.postMessage(request);
  Atomics.wait(bridgeFlag, 0, 0);
  const answer = receiveMessageOnPort(data.port);
  if (!answer) throw new Error('k6-runner: the HTTP bridge woke this VU without an answer');
  const message = /** @type {HttpResponseMessage | HttpUsageError} */ (answer.message);
  if ('fatal' in message) throw new Error(message.fatal);
  return message;
}

/**
 * Blocks this VU for `ms` milliseconds, as k6's sleep does.
 * @param {number} ms
 */
export function block(ms) {
  Atomics.wait(sleeper, 0, 0, ms);
}
