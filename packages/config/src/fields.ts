import { z } from 'zod';

/** A TCP port from the environment. */
export const port = (fallback: number, description: string) =>
  z.coerce.number().int().min(0).max(65535).default(fallback).describe(description);

/** A URL from the environment, checked for its protocol. */
export const url = (fallback: string, protocols: string[], description: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `must be a URL with protocol ${protocols.join(' or ')}` },
    )
    .describe(description);

/**
 * A comma-separated list of URLs from the environment (the replicas of a service), each checked for its
 * protocol; one URL alone is a list of one. The value stays the string as given.
 */
export const urlList = (fallback: string, protocols: string[], description: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (value) => {
        const urls = value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        return (
          urls.length > 0 &&
          urls.every((u) => {
            try {
              return protocols.includes(new URL(u).protocol.replace(/:$/, ''));
            } catch {
              return false;
            }
          })
        );
      },
      { message: `must be one or more comma-separated URLs with protocol ${protocols.join(' or ')}` },
    )
    .describe(description);

/** A positive integer (a size, a count, a duration in milliseconds). */
export const positiveInt = (fallback: number, description: string) =>
  z.coerce.number().int().positive().default(fallback).describe(description);

/** A boolean flag: true/false, 1/0, yes/no. */
export const flag = (fallback: boolean, description: string) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes')
    .describe(description);

export const logLevel = () =>
  z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level; debug adds one line per answered request.');

export const nodeEnv = () =>
  z
    .enum(['development', 'test', 'production'])
    .default('development')
    .describe('Run mode; production refuses development secrets.');

/** A URL that may be left empty (a feature that is off until it is set), checked for its protocol otherwise. */
export const optionalUrl = (protocols: string[], description: string) =>
  z
    .string()
    .default('')
    .refine(
      (value) => {
        if (value === '') return true;
        try {
          return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
        } catch {
          return false;
        }
      },
      { message: `must be empty or a URL with protocol ${protocols.join(' or ')}` },
    )
    .describe(description);

/** Variables every Skico process reads. */
export const processFields = () => ({
  HOST: z.string().min(1).default('127.0.0.1').describe('Interface to listen on (0.0.0.0 in containers).'),
  LOG_LEVEL: logLevel(),
  NODE_ENV: nodeEnv(),
  SHUTDOWN_GRACE_MS: positiveInt(10_000, 'How long in-flight work may take to finish on SIGTERM, in ms.'),
  // OpenTelemetry's standard names; the SDK's own variables (OTEL_TRACES_SAMPLER, OTEL_BSP_*) apply as well.
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl(
    ['http', 'https'],
    'Base URL of an OTLP/HTTP trace receiver (Jaeger, an OpenTelemetry Collector; spans go to /v1/traces under it); empty: tracing off.',
  ),
  OTEL_SERVICE_NAME: z
    .string()
    .default('')
    .describe('`service.name` of the spans of this process; empty: the process name (gateway, lift-ride-worker, …).'),
});
