import { Worker } from 'node:worker_threads';
import type { HttpBridge } from './http-bridge.ts';
import type { IterateMessage, VuToMain, VuWorkerData } from './protocol.ts';

const WORKER = new URL('./vu/worker.js', import.meta.url);

export type ReadyMessage = Extract<VuToMain, { type: 'ready' }>;
export type IterationMessage = Extract<VuToMain, { type: 'iteration' }>;
/** An iteration's end: its report, or `interrupted` when the thread was terminated under it. */
export type IterationEnd = IterationMessage | { type: 'interrupted' };

export interface VuThreadSpec {
  vu: number;
  scriptUrl: string;
  env: Record<string, string>;
  bridge: HttpBridge;
}

/** The thread of one VU (k6: one JavaScript runtime per VU). A class: it has a lifecycle. */
export class VuThread {
  private pending: ((end: IterationEnd) => void) | undefined;
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {}

  /**
   * Starts a VU thread and runs the script's init context in it.
   * @throws the script's init error (a bad import, an exception, an unimplemented API).
   */
  static async start(spec: VuThreadSpec): Promise<{ thread: VuThread; ready: ReadyMessage }> {
    const { port, flag } = spec.bridge.connect();
    const workerData: VuWorkerData = { vu: spec.vu, scriptUrl: spec.scriptUrl, env: spec.env, port, flag };
    const worker = new Worker(WORKER, { workerData, transferList: [port] });
    const thread = new VuThread(worker);
    const ready = await new Promise<ReadyMessage>((resolve, reject) => {
      const fail = (error: Error) => {
        worker.off('message', first);
        void worker.terminate();
        reject(error);
      };
      const first = (message: VuToMain) => {
        if (message.type === 'ready') {
          worker.off('message', first);
          worker.off('error', fail);
          resolve(message);
        } else if (message.type === 'init-error') {
          fail(new Error(`init context of VU ${spec.vu} failed: ${message.error}`));
        }
      };
      worker.on('message', first);
      worker.once('error', fail);
    });
    thread.listen();
    return { thread, ready };
  }

  private listen() {
    this.worker.on('message', (message: VuToMain) => {
      if (message.type === 'iteration') this.settle(message);
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.settle({ type: 'iteration', durationMs: 0, samples: [], checks: [], error: error.stack ?? error.message });
    });
    this.worker.on('exit', () => this.settle({ type: 'interrupted' }));
  }

  private settle(end: IterationEnd) {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(end);
  }

  /** @throws when the thread died of an error outside an iteration, or is already iterating. */
  iterate(exec: string, iter: number): Promise<IterationEnd> {
    if (this.failure) throw this.failure;
    if (this.pending) throw new Error('k6-runner: a VU was asked to iterate while iterating');
    const done = new Promise<IterationEnd>((resolve) => {
      this.pending = resolve;
    });
    const message: IterateMessage = { type: 'iterate', exec, iter };
    this.worker.postMessage(message);
    return done;
  }

  /** Ends the thread at once, interrupting its iteration if one runs (it ends as `interrupted`). */
  async terminate(): Promise<void> {
    await this.worker.terminate();
    this.settle({ type: 'interrupted' });
  }
}
