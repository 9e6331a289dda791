// Runs one k6 script with the runner: node --import tsx tools/k6-runner/src/cli.ts k6/smoke.js [--env K=V]
import { parseArgs } from 'node:util';
import { runScript } from './run-script.ts';
import { formatSummary } from './summary.ts';

/** k6's exit code when thresholds fail. */
const THRESHOLDS_FAILED = 99;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { env: { type: 'string', short: 'e', multiple: true } },
});
if (positionals.length !== 1) {
  console.error('usage: node --import tsx tools/k6-runner/src/cli.ts SCRIPT.js [--env KEY=VALUE]...');
  process.exit(2);
}
const env: Record<string, string> = {};
for (const pair of values.env ?? []) {
  const at = pair.indexOf('=');
  if (at <= 0) {
    console.error(`--env takes KEY=VALUE, not ${pair}`);
    process.exit(2);
  }
  env[pair.slice(0, at)] = pair.slice(at + 1);
}
try {
  const result = await runScript(positionals[0] as string, { env });
  console.log(formatSummary(result));
  process.exitCode = result.passed ? 0 : THRESHOLDS_FAILED;
} catch (e) {
  console.error((e as Error).message);
  process.exitCode = 1;
}
