import { checkCommittedDocument, writeCommittedDocument } from '@skico/contracts';
import { checkConfigTable } from '../config-docs.ts';
import { checkResilienceMap } from '../resilience-map.ts';

// The checks of `npm run lint` beyond biome: generated documents must match their sources.
const fix = process.argv.includes('--fix');

async function openApiDocument(): Promise<string | undefined> {
  const check = await checkCommittedDocument();
  if (check.upToDate) return undefined;
  if (fix) {
    await writeCommittedDocument();
    return undefined;
  }
  return `docs/openapi.json is out of date (${check.reason}): run \`npm run lint -- --fix\``;
}

const problems = [await checkConfigTable(fix), await openApiDocument(), await checkResilienceMap(fix)].filter(
  (p): p is string => p !== undefined,
);
for (const problem of problems) console.error(`lint: ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
