// Messages between the coordinator (main thread) and the VU threads. The VU side is plain JavaScript
// (src/vu/*.js) and imports these types through JSDoc.
import type { MessagePort } from 'node:worker_threads';
import type { MetricDefinition } from './metrics.ts';

/** What a VU thread is started with. */
export interface VuWorkerData {
  /** 0 for the thread that only reads the script's options, as k6's first init context. */
  vu: number;
  scriptUrl: string;
  env: Record<string, string>;
  /** The VU's end of the HTTP bridge and the flag it waits on. */
  port: MessagePort;
  flag: SharedArrayBuffer;
}

/** A status range that counts as expected (not failed), from `http.expectedStatuses`. */
export type StatusRange = [min: number, max: number];

export interface HttpRequestMessage {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body: string | null;
  /** The script's `timeout` param, a k6 duration; k6's 60 s when absent. */
  timeout: string | undefined;
  /** Statuses that count as expected; k6's default is 200..399. */
  expected: StatusRange[];
}

export interface HttpResponseMessage {
  /** 0 when no answer came: connection error or timeout, as in k6. */
  status: number;
  body: string | null;
  headers: Record<string, string>;
  /** Milliseconds from sending the request until the whole body arrived. */
  durationMs: number;
  error: string;
  /** k6's error codes for the failures the runner distinguishes: 1050 timeout, 1000 any other. */
  errorCode: number;
}

export type VuToMain =
  | {
      type: 'ready';
      /** Each export's typeof, to validate `exec` and refuse lifecycle functions the runner lacks. */
      exports: Record<string, string>;
      metrics: MetricDefinition[];
      /** The script's `options`, only from VU 0. */
      options?: unknown;
    }
  | { type: 'init-error'; error: string }
  | {
      type: 'iteration';
      durationMs: number;
      /** Custom metric samples as [name, value]. */
      samples: [string, number][];
      /** Check results as [name, passed]. */
      checks: [string, boolean][];
      /** The exception that ended the iteration, if any (k6 logs it and goes on). */
      error?: string;
    };

export interface IterateMessage {
  type: 'iterate';
  exec: string;
  /** The VU's iteration number, `__ITER`. */
  iter: number;
}

/** The bridge's answer when the request itself is a usage error the VU must throw (bad timeout...). */
export interface HttpUsageError {
  fatal: string;
}
