// The layering of STYLE.md, checked by `npm run lint` (tools/checks/src/layering.ts runs it):
// tools/ → services/ → packages/, imports only downward, no service importing another, no circle, and a
// workspace package entered only through its `exports`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';

// dependency-cruiser names every module relative to the folder it runs in, as the rules below do.
const root = process.cwd();
const layers = ['services', 'packages', 'tools'];

const literal = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every file a workspace package's `exports` field names: the only files of it another package may import. */
function publicEntries() {
  const entries = [];
  for (const layer of layers.filter((folder) => existsSync(join(root, folder)))) {
    for (const name of readdirSync(join(root, layer))) {
      const dir = join(layer, name);
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
      } catch {
        continue;
      }
      const exports = typeof manifest.exports === 'string' ? { '.': manifest.exports } : (manifest.exports ?? {});
      for (const target of Object.values(exports)) {
        if (typeof target === 'string') entries.push(`^${literal(normalize(join(dir, target)))}$`);
      }
    }
  }
  return entries;
}

const tests = '(^|/)test/|\\.test\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports has no top: split the shared part into a file both import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'service-to-service',
      severity: 'error',
      comment:
        'A service never imports another service: they talk over HTTP and the queue, through packages/contracts.',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'package-to-service-or-tool',
      severity: 'error',
      comment: 'packages/ is the runtime kit: it knows no service and no tool.',
      from: { path: '^packages/' },
      to: { path: '^(services|tools)/' },
    },
    {
      name: 'runtime-to-tool',
      severity: 'error',
      comment: 'Only tests and tools import a tool: a service or package source file never does.',
      from: { path: '^(services|packages)/', pathNot: tests },
      to: { path: '^tools/' },
    },
    {
      name: 'deep-import',
      severity: 'error',
      comment: 'Another workspace package is entered through its package.json `exports` only, never into its files.',
      from: { path: `^(${layers.join('|')})/([^/]+)/` },
      to: { path: `^(${layers.join('|')})/`, pathNot: ['^$1/$2/', ...publicEntries()] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import the checker cannot resolve would escape every rule above.',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|\\.reports)/' },
    // Type-only imports count: a circle of types is still a circle a reader has to break into.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    // The workspace packages are pnpm symlinks: followed to their real paths, so that `@skico/x` is
    // services/x/src/index.ts and the rules above see which layer it is in.
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
      extensions: ['.ts', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    cache: { folder: 'node_modules/.cache/dependency-cruiser', strategy: 'content' },
  },
};
