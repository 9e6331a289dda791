import { existsSync, realpathSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/** The package a bare import names: `@scope/name` or `name`, without a subpath. */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return (specifier.startsWith('@') ? parts.slice(0, 2) : parts.slice(0, 1)).join('/');
}

function packageDirOf(file: string, cache: Map<string, string>): string {
  const start = dirname(file);
  const known = cache.get(start);
  if (known) return known;
  let dir = start;
  while (!existsSync(join(dir, 'package.json'))) {
    if (dirname(dir) === dir) throw new Error(`no package.json above ${file}`);
    dir = dirname(dir);
  }
  cache.set(start, dir);
  return dir;
}

/**
 * Leaves third-party packages out of a bundle and bundles the workspace's own (`@skico/*`). pnpm gives each
 * package only its own dependencies, so a bundle in services/gateway/dist could not find, by name, a package
 * that only @skico/http depends on: the import is rewritten to the file under the importing package's
 * node_modules link (packages/http/node_modules/express/…), which a production install creates at the same
 * place. @throws at build time when a package does not resolve inside that link (an undeclared dependency).
 */
export function linkExternals(outDir: string): Plugin {
  const packageDirs = new Map<string, string>();
  return {
    name: 'link-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.pluginData === 'resolving' || isBuiltin(args.path) || args.path.startsWith('@skico/'))
          return undefined;
        const name = packageName(args.path);
        const owner = packageDirOf(args.importer, packageDirs);
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: 'resolving',
        });
        if (resolved.errors.length > 0) return { errors: resolved.errors };
        const link = join(owner, 'node_modules', name);
        const inside = existsSync(link) ? relative(realpathSync(link), resolved.path) : '..';
        if (inside.startsWith('..')) {
          return { errors: [{ text: `${name} is imported by ${args.importer} but is not a dependency of ${owner}` }] };
        }
        const path = relative(outDir, join(link, inside)).split(sep).join('/');
        return { path: path.startsWith('.') ? path : `./${path}`, external: true };
      });
    },
  };
}
