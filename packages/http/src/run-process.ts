import { isConfigError, loadConfig } from '@skico/config';
import { createLogger, type Logger } from '@skico/log';
import { startTracing } from '@skico/tracing';
import type { z } from 'zod';
import { createLifecycle, handleProcessSignals, type Lifecycle } from './lifecycle.ts';

interface ProcessFields {
  LOG_LEVEL: string;
  SHUTDOWN_GRACE_MS: number;
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  OTEL_SERVICE_NAME: string;
}

export interface ProcessContext<C> {
  config: C;
  log: Logger;
  lifecycle: Lifecycle;
}

/**
 * The frame of every composition root: parse the config (a bad value stops the process with a message
 * naming the variable), create the logger and the lifecycle, wire signals, turn tracing on when an OTLP
 * endpoint is configured (before `main`, so that every app, client and consumer it creates is traced),
 * then run `main`.
 */
export async function runProcess<S extends z.ZodObject>(
  options: { service: string; configSchema: S; env?: Record<string, string | undefined> },
  main: (context: ProcessContext<z.infer<S> & ProcessFields>) => Promise<void>,
): Promise<void> {
  let config: z.infer<S> & ProcessFields;
  try {
    config = loadConfig(options.configSchema, options.env ?? process.env) as z.infer<S> & ProcessFields;
  } catch (err) {
    if (!isConfigError(err)) throw err;
    process.stderr.write(`${options.service}: ${err.message}\n`);
    process.exit(1);
  }
  const log = createLogger({ service: options.service, level: config.LOG_LEVEL });
  const lifecycle = createLifecycle(log, { graceMs: config.SHUTDOWN_GRACE_MS });
  handleProcessSignals(lifecycle, log);
  const tracing = startTracing({
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: config.OTEL_SERVICE_NAME || options.service,
    onError: (message) => log.warn({ err: message }, 'trace export failed'),
  });
  if (tracing.enabled) {
    // Registered first, so it runs last: the spans of the requests and batches finished on the way out go too.
    lifecycle.onShutdown('tracing', () => tracing.shutdown());
    log.info({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing on');
  }
  try {
    await main({ config, log, lifecycle });
  } catch (err) {
    log.fatal({ err }, 'start failed');
    await lifecycle.shutdown('start failed');
    process.exit(1);
  }
}
