import { performance } from 'node:perf_hooks';
import type { RunProgress } from './run-load.ts';

export interface ProgressOptions {
  label: string;
  /** Planned requests, if the run is bounded by count. */
  total?: number;
  /** Planned duration, if the run is bounded by time. */
  durationMs?: number;
  stream?: NodeJS.WriteStream;
  /** Redraw period on a terminal; plain lines come every 2 s otherwise. */
  intervalMs?: number;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const WIDTH = 24;

/**
 * Shows a run's progress on stderr: a bar redrawn in place on a terminal, a plain line every 2 s when
 * stderr is a file or a pipe (CI logs). Returns a function that ends it.
 */
export function showProgress(run: RunProgress, options: ProgressOptions): () => void {
  const stream = options.stream ?? process.stderr;
  const tty = Boolean(stream.isTTY);
  let lastCount = 0;
  let lastAt = run.startedAt;

  // The final line shows the average rate of the whole run, the others the rate since the previous line.
  const line = (final = false) => {
    const now = performance.now();
    const elapsed = now - run.startedAt;
    const count = run.recorder.count;
    const rate = final
      ? (count * 1000) / Math.max(1, elapsed)
      : ((count - lastCount) * 1000) / Math.max(1, now - lastAt);
    lastCount = count;
    lastAt = now;
    const byCount = options.total ? count / options.total : 0;
    const byTime = options.durationMs ? elapsed / options.durationMs : 0;
    const share = Math.min(1, Math.max(byCount, byTime));
    const filled = Math.round(share * WIDTH);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(WIDTH - filled)}`;
    const p99 = run.recorder.recent(2_000).p99;
    const eta = share > 0 ? ((elapsed / share - elapsed) / 1000).toFixed(0) : '?';
    const done = options.total ? `${fmt(count)}/${fmt(options.total)}` : fmt(count);
    return (
      `${options.label.padEnd(8)} [${bar}] ${(share * 100).toFixed(0).padStart(3)}%  ${done}  ` +
      `${fmt(rate)} req/s  p99 ${p99.toFixed(1)} ms  retries ${fmt(run.retries())}  ETA ${eta} s`
    );
  };

  const draw = () => stream.write(tty ? `\r\x1b[2K${line()}` : `${line()}\n`);
  const timer = setInterval(draw, tty ? (options.intervalMs ?? 200) : 2_000);
  timer.unref();
  return () => {
    clearInterval(timer);
    stream.write(`${tty ? '\r\x1b[2K' : ''}${line(true)}\n`);
  };
}
