import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * A command's arguments, parsed with node:util's parseArgs. `--help` (or `-h`) prints the usage and exits 0;
 * an unknown option or a missing value prints what is wrong and the usage and exits 2: a person at a
 * terminal never sees a stack trace for a typo.
 */
export function parseCommandLine<T extends Options>(
  options: T,
  usage: string,
  args: string[] = process.argv.slice(2),
  positionals = false,
) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: positionals,
    });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return parsed;
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}
