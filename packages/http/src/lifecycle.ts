import type { Logger } from '@skico/log';

type Closer = () => Promise<void> | void;

export interface Lifecycle {
  /** Registers a resource's close; shutdown runs them in reverse order of registration. */
  onShutdown: (name: string, close: Closer) => void;
  /**
   * Runs every close once, in reverse, all of them together bounded by the grace period: once it is over,
   * the remaining closes are started but not waited for (the process is about to exit). Safe to call twice.
   */
  shutdown: (reason: string) => Promise<void>;
  isShuttingDown: () => boolean;
}

export function createLifecycle(log: Logger, options: { graceMs: number }): Lifecycle {
  const closers: { name: string; close: Closer }[] = [];
  let running: Promise<void> | undefined;

  const runOne = async ({ name, close }: { name: string; close: Closer }, deadline: number) => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
    });
    try {
      const outcome = await Promise.race([Promise.resolve(close()).then(() => 'done' as const), timedOut]);
      if (outcome === 'timeout') log.warn({ resource: name }, 'close did not finish within the grace period');
      else log.debug({ resource: name }, 'closed');
    } catch (err) {
      log.warn({ err, resource: name }, 'close failed');
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    onShutdown: (name, close) => {
      closers.push({ name, close });
    },
    shutdown: (reason) => {
      running ??= (async () => {
        log.info({ reason }, 'shutting down');
        const deadline = Date.now() + options.graceMs;
        for (const closer of [...closers].reverse()) await runOne(closer, deadline);
        log.info('shut down');
      })();
      return running;
    },
    isShuttingDown: () => running !== undefined,
  };
}

/**
 * Wires process signals and fatal errors to the lifecycle. Only a composition root calls this.
 * SIGTERM/SIGINT: graceful stop, exit 0. Uncaught errors: log, graceful stop, exit 1.
 */
export function handleProcessSignals(lifecycle: Lifecycle, log: Logger): void {
  const stop = (code: number, reason: string) => {
    void lifecycle.shutdown(reason).finally(() => process.exit(code));
  };
  process.once('SIGTERM', () => stop(0, 'SIGTERM'));
  process.once('SIGINT', () => stop(0, 'SIGINT'));
  process.on('uncaughtException', (err) => {
    log.fatal({ err }, 'uncaught exception');
    stop(1, 'uncaughtException');
  });
  process.on('unhandledRejection', (err) => {
    log.fatal({ err }, 'unhandled rejection');
    stop(1, 'unhandledRejection');
  });
}
