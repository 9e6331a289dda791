import { summaryTable, usageTable } from './figures.ts';
import { countsSentences } from './lift-ride-counts.ts';
import { measure } from './measure.ts';
import { parseOptions, usage } from './options.ts';

// `npm run load -- [options]`: measures the system and the baseline, prints the figures, saves the reports.
let options: ReturnType<typeof parseOptions>;
try {
  options = parseOptions(process.argv.slice(2));
} catch (err) {
  console.error(`${(err as Error).message}\n\n${usage}`);
  process.exit(2);
}
if (options === 'help') {
  console.log(usage);
  process.exit(0);
}

const { config } = options;
const bound = config.requests ? `${config.requests} requests` : `${config.durationS} s`;
const shape =
  config.model === 'open' ? `open model at ${config.rate} req/s` : `closed model, ${config.clients} clients`;
process.stderr.write(`[load] ${config.workload} workload, ${bound}, ${shape}, seed ${config.seed}\n`);

// Ctrl-C ends the run early but still stops the system and the baseline it started; a second one gives up.
const abort = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write(`\n[load] ${signal}: stopping …\n`);
    abort.abort(new Error(`interrupted by ${signal}`));
  });
}

try {
  const { report, paths } = await measure({ ...options, signal: abort.signal });
  console.log(`\n${summaryTable(report)}\n`);
  const usage = usageTable(report);
  if (usage) console.log(`${usage}\n`);
  for (const line of report.liftRide ? countsSentences(report.liftRide) : []) console.log(`${line}\n`);
  console.log(`JSON: ${paths.json}`);
  console.log(`HTML: ${paths.html}`);
  const failed = report.system.errors > 0 || (report.drain !== null && !report.drain.drained);
  process.exit(failed ? 1 : 0);
} catch (err) {
  console.error(`[load] ${(err as Error).message}`);
  process.exit(1);
}
