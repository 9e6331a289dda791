import { checkConfigTable } from '../config-docs.ts';

// The checks of `npm run lint` beyond biome: generated documents must match their sources.
const fix = process.argv.includes('--fix');
const problems = [await checkConfigTable(fix)].filter((p): p is string => p !== undefined);
for (const problem of problems) console.error(`lint: ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
