import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { parseDuration } from './duration.ts';
import type { MetricRegistry } from './metrics.ts';
import type { HttpRequestMessage, HttpResponseMessage, HttpUsageError } from './protocol.ts';

const DEFAULT_TIMEOUT_MS = 60_000;
/** k6's error codes: 1050 request timeout, 1000 any other failure before an answer. */
const TIMEOUT_CODE = 1050;
const GENERIC_CODE = 1000;

/** Go's canonical header name, as k6 reports response headers: `retry-after` → `Retry-After`. */
function canonicalHeader(name: string): string {
  return name
    .split('-')
    .map((part) => (part ? (part[0] as string).toUpperCase() + part.slice(1).toLowerCase() : part))
    .join('-');
}

function describeFailure(error: unknown): string {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message}: ${cause}` : e.message;
}

/**
 * The coordinator's end of k6's synchronous http API: each VU thread posts a request and blocks on a
 * shared flag; this side fetches, records the built-in HTTP metrics (as k6 does for every request, failed
 * ones included), answers on the port, then flips the flag and wakes the VU.
 */
export function createHttpBridge(metrics: MetricRegistry, onRequestError: (error: string, request: string) => void) {
  const inflight = new Set<AbortController>();
  const ports = new Set<MessagePort>();
  let closed = false;

  async function perform(req: HttpRequestMessage): Promise<HttpResponseMessage | HttpUsageError> {
    let timeoutMs = DEFAULT_TIMEOUT_MS;
    try {
      if (req.timeout !== undefined) timeoutMs = parseDuration(req.timeout, 'the http timeout param');
    } catch (e) {
      return { fatal: (e as Error).message };
    }
    const controller = new AbortController();
    inflight.add(controller);
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const start = performance.now();
    let answer: HttpResponseMessage;
    try {
      const res = await fetch(req.url, {
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: controller.signal,
      });
      const body = await res.text();
      const headers: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        headers[canonicalHeader(name)] = value;
      });
      answer = { status: res.status, body, headers, durationMs: performance.now() - start, error: '', errorCode: 0 };
    } catch (e) {
      const timedOut = controller.signal.aborted && !closed;
      answer = {
        status: 0,
        body: null,
        headers: {},
        durationMs: performance.now() - start,
        error: timedOut ? 'request timeout' : describeFailure(e),
        errorCode: timedOut ? TIMEOUT_CODE : GENERIC_CODE,
      };
    } finally {
      clearTimeout(timer);
      inflight.delete(controller);
    }
    if (!closed) {
      const expected = req.expected.some(([min, max]) => answer.status >= min && answer.status <= max);
      metrics.add('http_reqs', 1);
      metrics.add('http_req_duration', answer.durationMs);
      metrics.add('http_req_failed', expected ? 0 : 1);
      if (answer.status === 0) onRequestError(answer.error, `${req.method} ${req.url}`);
    }
    return answer;
  }

  return {
    /** A new VU's end of the bridge: transfer `port` to its thread with `flag`. */
    connect(): { port: MessagePort; flag: SharedArrayBuffer } {
      const { port1, port2 } = new MessageChannel();
      const flag = new SharedArrayBuffer(4);
      const view = new Int32Array(flag);
      ports.add(port1);
      port1.on('message', (req: HttpRequestMessage) => {
        void perform(req).then((answer) => {
          port1.postMessage(answer);
          Atomics.store(view, 0, 1);
          Atomics.notify(view, 0);
        });
      });
      return { port: port2, flag };
    },
    /** Aborts what is still in flight (requests of interrupted iterations) without recording it. */
    close() {
      closed = true;
      for (const controller of inflight) controller.abort();
      for (const port of ports) port.close();
      ports.clear();
    },
  };
}

export type HttpBridge = ReturnType<typeof createHttpBridge>;
