// The 'k6' module as the runner implements it: check and sleep. Any other import from 'k6' (group, fail,
// randomSeed, the default export) is a link error, so a script using it fails before it runs.
import { block, requireVuCode, state, unsupported } from './runtime.js';

/**
 * @param {unknown} value
 * @param {Record<string, (value: unknown) => unknown>} sets
 * @param {unknown} [tags]
 */
export function check(value, sets, tags) {
  requireVuCode('check()');
  if (tags !== undefined) throw unsupported('tags on check()');
  if (typeof sets !== 'object' || sets === null) throw new TypeError('check() needs an object of named checks');
  let all = true;
  for (const [name, fn] of Object.entries(sets)) {
    if (typeof fn !== 'function') throw unsupported(`check "${name}" that is not a function`);
    const passed = Boolean(fn(value));
    state.checks.push([name, passed]);
    all = all && passed;
  }
  return all;
}

/** @param {number} seconds */
export function sleep(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
    throw new TypeError(`sleep() needs a number of seconds, not ${String(seconds)}`);
  }
  block(seconds * 1000);
}
