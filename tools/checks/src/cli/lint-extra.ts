import { checkCommittedDocument, writeCommittedDocument } from '@skico/contracts';
import { checkConfigTable } from '../config-docs.ts';
import { checkDeadCode } from '../dead-code.ts';
import { checkLayering } from '../layering.ts';
import { checkResilienceMap } from '../resilience-map.ts';

// The checks of `npm run lint` beyond biome: generated documents must match their sources, imports must
// follow the layering (dependency-cruiser), and no file, export or dependency may be unused (knip).
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

// The two code checks run in child processes, alongside the document checks.
const codeChecks = Promise.all([checkLayering(), checkDeadCode()]);
const problems = [
  await checkConfigTable(fix),
  await openApiDocument(),
  await checkResilienceMap(fix),
  ...(await codeChecks),
].filter((p): p is string => p !== undefined);
for (const problem of problems) console.error(`lint: ${problem}`);
process.exit(problems.length > 0 ? 1 : 0);
