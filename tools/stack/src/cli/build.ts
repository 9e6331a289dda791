import { parseArgs } from 'node:util';
import { buildEntries } from '../build-entries.ts';

// `npm run build`: every process's JavaScript next to its sources; `npm run build -- --out DIR` writes the
// tree the image installs and runs (see the Dockerfile).
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const startedAt = Date.now();
try {
  const files = await buildEntries(values.out);
  for (const file of files) console.log(`built ${file}`);
  console.log(`${files.length} files in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
