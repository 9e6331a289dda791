import { parseArgs } from 'node:util';
import { z } from 'zod';
import type { LoadConfig } from './report.ts';

export const usage = `Usage: npm run load -- [options]
  --target URL          gateway to load (default http://127.0.0.1:8080, as npm start serves it)
  --start-stack         start a whole system of its own (own database) and stop it afterwards
  --workload NAME       course (lift-ride POSTs) | reads (read mix) | mixed (half and half); default course
  --requests N          requests per run (default 200000 for course, 50000 otherwise)
  --duration S          run for S seconds instead of a count
  --clients N           concurrent clients / keep-alive connections (default 64)
  --model closed|open   closed: N clients back to back; open: fixed arrival rate (default closed)
  --rate R              open model: arrivals per second
  --timeout MS          per-attempt timeout (default 10000)
  --warmup N            unrecorded requests to each target before measuring (default 1000)
  --[no-]baseline       run or skip the bare two-hop Node baseline (ratios need it)
  --[no-]drain          wait or not for accepted rides to reach Postgres
  --drain-timeout S     how long to wait for the drain (default 120)
  --database-url URL    Postgres URL of the lift-ride role (default: the measured stack's)
  --seed N              workload seed (default: random, saved in the report)
  --out DIR             report folder (default .reports)
  --[no-]progress       progress bar on stderr (default on)`;

const count = z.coerce.number().int().positive();
const schema = z
  .object({
    target: z.url().default('http://127.0.0.1:8080'),
    'start-stack': z.boolean().default(false),
    workload: z.enum(['course', 'reads', 'mixed']).default('course'),
    requests: count.optional(),
    duration: z.coerce.number().positive().optional(),
    clients: count.default(64),
    model: z.enum(['closed', 'open']).default('closed'),
    rate: z.coerce.number().positive().optional(),
    timeout: count.default(10_000),
    warmup: z.coerce.number().int().nonnegative().default(1_000),
    baseline: z.boolean().default(true),
    drain: z.boolean().default(true),
    'drain-timeout': z.coerce.number().positive().default(120),
    'database-url': z.string().optional(),
    seed: z.coerce.number().int().nonnegative().optional(),
    out: z.string().default('.reports'),
    progress: z.boolean().default(true),
  })
  .refine((o) => o.model !== 'open' || o.rate !== undefined, { message: '--model open needs --rate', path: ['rate'] });

export interface CliOptions {
  config: LoadConfig;
  databaseUrl?: string;
  out: string;
  progress: boolean;
}

const flags = ['start-stack', 'baseline', 'drain', 'progress', 'help'];
const values = Object.keys(schema.shape).filter((k) => !flags.includes(k));

/** Parses the command line. @throws with a readable message on an unknown option or a bad value. */
export function parseOptions(argv: string[]): CliOptions | 'help' {
  const { values: raw } = parseArgs({
    args: argv,
    strict: true,
    allowNegative: true,
    options: {
      ...Object.fromEntries(values.map((k) => [k, { type: 'string' as const }])),
      ...Object.fromEntries(flags.map((k) => [k, { type: 'boolean' as const }])),
    },
  });
  if (raw.help) return 'help';
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  const o = parsed.data;
  const requests = o.requests ?? (o.duration ? undefined : o.workload === 'course' ? 200_000 : 50_000);
  return {
    config: {
      target: o.target,
      workload: o.workload,
      requests,
      durationS: o.duration,
      clients: o.clients,
      model: o.model,
      rate: o.rate,
      baseline: o.baseline,
      drain: o.drain,
      drainTimeoutS: o['drain-timeout'],
      seed: o.seed ?? Math.floor(Math.random() * 2 ** 31),
      timeoutMs: o.timeout,
      warmup: o.warmup,
      startStack: o['start-stack'],
    },
    databaseUrl: o['database-url'],
    out: o.out,
    progress: o.progress,
  };
}
