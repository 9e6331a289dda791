import { type IterationEnd, type ReadyMessage, VuThread, type VuThreadSpec } from './vu-thread.ts';

export interface VuDeps extends Omit<VuThreadSpec, 'vu'> {
  /** Called with every (re)started thread's init report, to register and compare its metrics. */
  onReady: (ready: ReadyMessage) => void;
  /** Called with every iteration's end, to record its samples. */
  onIteration: (end: IterationEnd) => void;
}

/**
 * One k6 VU as the executors see it: `__VU` fixed, `__ITER` counting its iterations. An interrupted
 * iteration ends the VU's thread; the VU then starts a new one (running the init context again) if an
 * executor asks it for another iteration.
 */
export class Vu {
  private thread: VuThread | undefined;
  private iterations = 0;
  private running = false;

  constructor(
    readonly id: number,
    private readonly deps: VuDeps,
  ) {}

  get busy(): boolean {
    return this.running;
  }

  /** Runs the init context; the executors' clock starts once every VU is ready, as in k6. */
  async start(): Promise<void> {
    const { thread, ready } = await VuThread.start({ ...this.deps, vu: this.id });
    this.deps.onReady(ready);
    this.thread = thread;
  }

  /** Runs one iteration of `exec`. @throws when the VU cannot run (its thread died of an error). */
  async iterate(exec: string): Promise<IterationEnd> {
    if (this.running) throw new Error(`k6-runner: VU ${this.id} is already iterating`);
    this.running = true;
    try {
      if (!this.thread) await this.start();
      const end = await (this.thread as VuThread).iterate(exec, this.iterations++);
      if (end.type === 'interrupted') this.thread = undefined;
      this.deps.onIteration(end);
      return end;
    } finally {
      this.running = false;
    }
  }

  /** Interrupts the running iteration, if any, by ending the thread. */
  async interrupt(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.terminate();
  }
}
