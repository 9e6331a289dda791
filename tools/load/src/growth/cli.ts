import { parseCommandLine } from '@skico/config';
import { measureGrowth } from './growth.ts';

// `npm run load:growth -- --sizes 100000,10000000`: seeds a database of its own to each size and times
// the lift-ride read queries at each (p50/p99), then prints the ratio of the largest to the smallest.
const usage = `Usage: npm run load:growth -- [options]
  --sizes A,B,…   ride counts to seed and measure at, smallest first (default 100000,10000000)
  --samples N     timed calls of each query at each size (default 500)`;

const { values } = parseCommandLine(
  { sizes: { type: 'string', default: '100000,10000000' }, samples: { type: 'string', default: '500' } },
  usage,
);
const sizes = (values.sizes ?? '').split(',').map((s) => Number(s.trim()));
const samples = Number(values.samples);
if (
  sizes.length < 2 ||
  sizes.some((n) => !Number.isInteger(n) || n <= 0) ||
  !Number.isInteger(samples) ||
  samples < 1
) {
  console.error(`--sizes needs two or more positive whole numbers and --samples a positive whole number\n\n${usage}`);
  process.exit(2);
}
const result = await measureGrowth({ sizes, samples });
for (const step of result.steps) {
  console.log(`${step.rides.toLocaleString('en')} rides (seeded in ${step.seedSeconds.toFixed(1)} s)`);
  for (const q of step.queries)
    console.log(`  ${q.query.padEnd(14)} p50 ${q.p50Ms.toFixed(2)} ms  p99 ${q.p99Ms.toFixed(2)} ms`);
}
for (const r of result.ratios)
  console.log(`growth ${r.query.padEnd(14)} p50 ×${r.p50.toFixed(2)}  p99 ×${r.p99.toFixed(2)}`);
