import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { COMMITTED_DOCUMENT_PATH, checkCommittedDocument, writeCommittedDocument } from '../committed-document.ts';

// Usage: tsx packages/contracts/src/cli/write-openapi.ts [--check] [--file path]
// Without --check it writes docs/openapi.json; with --check it exits 1 when the committed file has drifted.

const { values } = parseArgs({
  options: { check: { type: 'boolean', default: false }, file: { type: 'string', default: COMMITTED_DOCUMENT_PATH } },
});

if (values.check) {
  const check = await checkCommittedDocument(values.file);
  if (!check.upToDate) {
    console.error(`${check.path} is out of date: ${check.reason}.`);
    console.error('Run `tsx packages/contracts/src/cli/write-openapi.ts` and commit the result.');
    process.exit(1);
  }
  console.log(`${check.path} matches the contract.`);
} else {
  await writeCommittedDocument(values.file);
  formatWithBiome(values.file);
  console.log(`Wrote ${values.file}.`);
}

// Formatting keeps `biome check` clean on the committed file; the content check above ignores layout.
function formatWithBiome(path: string): void {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  const result = spawnSync(process.execPath, [biome, 'format', '--write', path], { stdio: 'inherit' });
  if (result.status !== 0) console.warn('biome could not format the document; run `pnpm format`.');
}
