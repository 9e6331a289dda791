import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeConfig } from '@skico/config';
import { gatewayConfigSchema } from '@skico/gateway';
import { liftRideConfigSchema } from '@skico/lift-ride';
import { resortConfigSchema } from '@skico/resort';
import { skierConfigSchema } from '@skico/skier';
import { repoRoot } from '@skico/stack';
import type { z } from 'zod';

const schemas: [string, z.ZodObject][] = [
  ['gateway', gatewayConfigSchema],
  ['resort', resortConfigSchema],
  ['skier', skierConfigSchema],
  ['lift-ride (API and worker)', liftRideConfigSchema],
];

const start = '<!-- config-table:start (generated from the zod schemas: npm run lint -- --fix) -->';
const end = '<!-- config-table:end -->';

/** The README's configuration table, generated from every service's config schema. */
function renderConfigTable(): string {
  const rows = new Map<string, { default: string; description: string; services: string[] }>();
  for (const [service, schema] of schemas) {
    for (const row of describeConfig(schema)) {
      const existing = rows.get(row.variable);
      if (existing && existing.default === row.default) existing.services.push(service);
      else rows.set(existing ? `${row.variable} (${service})` : row.variable, { ...row, services: [service] });
    }
  }
  const lines = ['| variable | default | used by | meaning |', '| --- | --- | --- | --- |'];
  for (const [variable, row] of rows) {
    const name = variable.split(' ')[0];
    lines.push(
      `| \`${name}\` | ${row.default === '' ? '(empty)' : `\`${row.default}\``} | ${row.services.join(', ')} | ${row.description} |`,
    );
  }
  return lines.join('\n');
}

/** Compares (or with `fix`, rewrites) the table in README.md. Returns a problem, or undefined when in step. */
export async function checkConfigTable(fix: boolean): Promise<string | undefined> {
  const path = join(repoRoot, 'README.md');
  const readme = await readFile(path, 'utf8');
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) return `README.md lacks the markers ${start} … ${end}`;
  const wanted = `${readme.slice(0, from + start.length)}\n${renderConfigTable()}\n${readme.slice(to)}`;
  if (wanted === readme) return undefined;
  if (fix) {
    await writeFile(path, wanted);
    return undefined;
  }
  return 'README.md configuration table is out of date: run `npm run lint -- --fix`';
}
