// The 'k6/metrics' module as the runner implements it: Counter, Rate and Trend, declared in the init
// context and added to without tags. Gauge is not provided, so importing it is a link error.
import { requireInitContext, requireVuCode, state, unsupported } from './runtime.js';

/** @import { MetricType } from '../metrics.ts' */

const NAME = /^[\p{L}\p{N}._ !?/&#()<>%-]{1,128}$/u;

class Metric {
  /**
   * @param {MetricType} type
   * @param {string} name
   * @param {boolean} isTime
   */
  constructor(type, name, isTime) {
    requireInitContext(`new ${type}()`);
    if (typeof name !== 'string' || !NAME.test(name)) throw new Error(`k6-runner: invalid metric name ${name}`);
    this.name = name;
    state.metrics.push({ name, type, isTime });
  }

  /**
   * @param {number | boolean} value
   * @param {unknown} [tags]
   */
  add(value, tags) {
    requireVuCode(`${this.name}.add()`);
    if (tags !== undefined) throw unsupported(`tags on ${this.name}.add()`);
    if (typeof value !== 'number' && typeof value !== 'boolean') {
      throw new TypeError(`${this.name}.add() needs a number or a boolean, not ${typeof value}`);
    }
    state.samples.push([this.name, Number(value)]);
  }
}

export class Counter extends Metric {
  /** @param {string} name */
  constructor(name) {
    super('counter', name, false);
  }
}

export class Rate extends Metric {
  /** @param {string} name */
  constructor(name) {
    super('rate', name, false);
  }
}

export class Trend extends Metric {
  /**
   * @param {string} name
   * @param {boolean} [isTime]
   */
  constructor(name, isTime = false) {
    super('trend', name, Boolean(isTime));
  }
}
