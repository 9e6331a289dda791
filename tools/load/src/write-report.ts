import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderHtml } from './html-report.ts';
import type { LoadReport } from './report.ts';

/** Saves the report as `load-<timestamp>.json` and a self-contained `.html` next to it; returns both paths. */
export async function writeReport(report: LoadReport, dir: string): Promise<{ json: string; html: string }> {
  const folder = resolve(dir);
  await mkdir(folder, { recursive: true });
  const base = join(folder, `load-${report.createdAt.replace(/[:.]/g, '-')}`);
  const paths = { json: `${base}.json`, html: `${base}.html` };
  await writeFile(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(paths.html, renderHtml(report));
  return paths;
}
