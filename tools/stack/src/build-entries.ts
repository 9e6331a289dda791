import { copyFile, cp, mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { linkExternals } from './link-externals.ts';
import { type BuiltEntry, builtEntries, repoRoot, serviceSchemas } from './processes.ts';

/** What a production install needs besides every workspace package's package.json. */
const installFiles = ['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml', '.npmrc'];
/** What the processes read from disk at run time; the rest of their code and data is in the bundles. */
const runtimeFiles = serviceSchemas.map((s) => s.migrations);

// esbuild rather than tsc project references: the sources import each other with `.ts` extensions and the
// workspace packages export their sources, so tsc would need every package's exports and imports rewritten
// for its output, while one bundle per process (workspace code inside, third-party packages outside) runs
// the very files the tests run and starts without resolving a module graph.
async function buildOne(entry: BuiltEntry, out: string): Promise<string> {
  const outfile = join(out, entry.dir, entry.built);
  await build({
    entryPoints: [join(repoRoot, entry.dir, entry.entry)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Node's own conditions only: esbuild adds the bundlers' `module` by default, whose files Node cannot load.
    conditions: [],
    logLevel: 'warning',
    // Imports are rewritten relative to where the file lands in the repository; `out` mirrors its layout.
    plugins: [linkExternals(dirname(join(repoRoot, entry.dir, entry.built)))],
  });
  return outfile;
}

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
}

async function workspaceManifests(): Promise<Map<string, string>> {
  const { packages } = parse(await readFile(join(repoRoot, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] };
  const dirs = await Promise.all(
    packages.map(async (pattern) => {
      if (!pattern.endsWith('/*')) return [pattern];
      const parent = pattern.slice(0, -2);
      const entries = await readdir(join(repoRoot, parent), { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isDirectory()).map((e) => `${parent}/${e.name}`);
    }),
  );
  const byName = new Map<string, string>();
  for (const dir of dirs.flat()) {
    const manifest = await readFile(join(repoRoot, dir, 'package.json'), 'utf8').catch(() => undefined);
    if (manifest) byName.set((JSON.parse(manifest) as Manifest).name, dir);
  }
  return byName;
}

/**
 * The folders of the built entries and of the workspace packages they depend on in production. Only these
 * are installed: the tools (load, test kit) and their dependencies stay out of the image.
 */
async function shippedPackages(): Promise<string[]> {
  const dirOf = await workspaceManifests();
  const shipped = new Set(builtEntries.map((e) => e.dir));
  for (const dir of shipped) {
    const { dependencies = {} } = JSON.parse(await readFile(join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest;
    for (const [name, version] of Object.entries(dependencies)) {
      const depDir = dirOf.get(name);
      if (version.startsWith('workspace:') && depDir) shipped.add(depDir);
    }
  }
  return [...shipped].sort();
}

/** Copies what `pnpm install --prod` and the processes need into `out`, which then holds no sources. */
async function copyInstallable(out: string): Promise<void> {
  const manifests = (await shippedPackages()).map((dir) => `${dir}/package.json`);
  for (const file of [...installFiles, ...manifests]) {
    await mkdir(dirname(join(out, file)), { recursive: true });
    await copyFile(join(repoRoot, file), join(out, file));
  }
  for (const path of runtimeFiles) await cp(join(repoRoot, path), join(out, path), { recursive: true });
}

/**
 * Compiles every process and one-shot command of the table into one JavaScript file each. Without `out`,
 * next to the sources (services/gateway/dist/main.js); with `out`, into a tree of the same layout that also
 * holds the package manifests and run-time files, ready for `pnpm install --prod` (what the image ships).
 */
export async function buildEntries(out?: string): Promise<string[]> {
  const root = out ? resolve(out) : repoRoot;
  const files = await Promise.all(builtEntries.map((entry) => buildOne(entry, root)));
  if (root !== repoRoot) await copyInstallable(root);
  return files.map((f) => relative(root, f));
}
