import type { z } from 'zod';

const brand = Symbol.for('skico.ConfigError');

/** Raised when the environment does not satisfy a service's config schema; names every bad variable. */
export class ConfigError extends Error {
  readonly [brand] = true;
  readonly issues: { variable: string; problem: string }[];

  constructor(issues: { variable: string; problem: string }[]) {
    super(`invalid configuration: ${issues.map((i) => `${i.variable}: ${i.problem}`).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export function isConfigError(e: unknown): e is ConfigError {
  return typeof e === 'object' && e !== null && (e as Record<symbol, unknown>)[brand] === true;
}

/**
 * Parses the environment against a service's schema, once, at start.
 * Empty strings count as unset so that `FOO=` falls back to the default.
 * @throws ConfigError naming each variable that is missing or malformed.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const cleaned: Record<string, string> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: String(issue.path[0] ?? '(root)'),
      problem: issue.message,
    })),
  );
}

export interface ConfigRow {
  variable: string;
  default: string;
  description: string;
}

/** The rows of a schema's documentation table: variable, default and description. */
export function describeConfig(schema: z.ZodObject): ConfigRow[] {
  return Object.entries(schema.shape).map(([variable, field]) => {
    const f = field as z.ZodType;
    const parsed = f.safeParse(undefined);
    return {
      variable,
      default: parsed.success && parsed.data !== undefined ? String(parsed.data) : '(required)',
      description: f.description ?? '',
    };
  });
}
