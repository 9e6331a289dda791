import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { repoRoot } from '../src/processes.ts';

/** .dockerignore's patterns as expressions: `**` any folders, `*` and `?` within one name (no `!` used). */
function dockerignore(): RegExp[] {
  return readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((pattern) => {
      const source = pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*\*\//g, '\0')
        .replace(/\*/g, '[^/]*')
        .replace(/\?/g, '[^/]')
        .replaceAll('\0', '(?:.*/)?');
      return new RegExp(`^${source}$`);
    });
}

/** Docker leaves out a path when a pattern matches it or any folder above it. */
function ignored(file: string, patterns: RegExp[]): boolean {
  const parts = file.split('/');
  return parts.some((_, i) => patterns.some((p) => p.test(parts.slice(0, i + 1).join('/'))));
}

/**
 * Copies what `docker build` would send as its context: the working tree's files (tracked, or new and not
 * git-ignored) less what .dockerignore leaves out.
 */
export async function copyBuildContext(to: string): Promise<string[]> {
  const patterns = dockerignore();
  const listed = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const files = [...new Set(listed.split('\0'))].filter(
    (f) => f && existsSync(join(repoRoot, f)) && !ignored(f, patterns),
  );
  for (const file of files) {
    await mkdir(dirname(join(to, file)), { recursive: true });
    await cp(join(repoRoot, file), join(to, file));
  }
  return files;
}
