// One k6 VU: its own JavaScript runtime (this thread), its init context (importing the script), then its
// iterations on the coordinator's demand. Blocking calls (http, sleep) block only this thread.
import { register } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';
import { state } from './runtime.js';

/** @import { IterateMessage, VuToMain, VuWorkerData } from '../protocol.ts' */

const data = /** @type {VuWorkerData} */ (workerData);
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const shim = (/** @type {string} */ file) => new URL(file, import.meta.url).href;

register('./hooks.js', {
  parentURL: import.meta.url,
  data: {
    runtimeDir: shim('./'),
    shims: { k6: shim('./k6.js'), 'k6/http': shim('./k6-http.js'), 'k6/metrics': shim('./k6-metrics.js') },
  },
});

/** @param {VuToMain} message */
const send = (message) => port.postMessage(message);
/** @param {unknown} e */
const describe = (e) => (e instanceof Error ? (e.stack ?? e.message) : String(e));

const globals = /** @type {Record<string, unknown>} */ (globalThis);
globals.__ENV = Object.freeze({ ...data.env });
globals.__VU = data.vu;
globals.__ITER = 0;

/** @param {Record<string, unknown>} script */
function serve(script) {
  state.phase = 'vu';
  send({
    type: 'ready',
    exports: Object.fromEntries(Object.entries(script).map(([name, value]) => [name, typeof value])),
    metrics: state.metrics,
    ...(data.vu === 0 ? { options: script.options } : {}),
  });
  port.on('message', (/** @type {IterateMessage} */ message) => {
    globals.__ITER = message.iter;
    state.samples = [];
    state.checks = [];
    const fn = /** @type {() => unknown} */ (script[message.exec]);
    const start = performance.now();
    /** @type {string | undefined} */
    let error;
    try {
      const result = fn();
      if (result instanceof Promise) error = 'k6-runner does not implement async VU functions';
    } catch (e) {
      error = describe(e);
    }
    send({
      type: 'iteration',
      durationMs: performance.now() - start,
      samples: state.samples,
      checks: state.checks,
      ...(error === undefined ? {} : { error }),
    });
  });
}

// The init context; on failure the thread reports and ends, as nothing listens on its port.
import(data.scriptUrl).then(serve, (e) => send({ type: 'init-error', error: describe(e) }));
