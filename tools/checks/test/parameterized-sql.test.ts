import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '@skico/stack';
import { describe, expect, it } from 'vitest';

const sqlTemplate = /`\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|GRANT|REVOKE|DROP|SET|COPY|TRUNCATE)\b[^`]*`/gi;

/** Source files that may hold SQL: every non-test .ts file of the services, packages and tools. */
async function sources(): Promise<string[]> {
  const files: string[] = [];
  for (const root of ['services', 'packages', 'tools']) {
    for (const entry of await readdir(join(repoRoot, root), { recursive: true, withFileTypes: true })) {
      const path = join(entry.parentPath, entry.name);
      if (!entry.isFile() || !path.endsWith('.ts') || path.includes('node_modules')) continue;
      if (/\/test\/|\.test\.ts$/.test(path)) continue;
      files.push(path);
    }
  }
  return files;
}

/**
 * Whether an interpolation in SQL is safe: a quoted identifier or literal, or a constant of this file
 * that is itself plain text or a quoted identifier. Anything else may carry request data into SQL.
 */
function safe(expression: string, file: string): boolean {
  const e = expression.trim();
  if (/^\w+(\.\w+)*\.escape(Identifier|Literal)\(/.test(e)) return true;
  if (!/^\w+$/.test(e)) return false;
  const declaration = new RegExp(`const ${e} = ([^;]+);`).exec(file)?.[1]?.trim() ?? '';
  return /^'[^']*'$/.test(declaration) || /escapeIdentifier\(/.test(declaration) || /^`[^$`]*`$/.test(declaration);
}

describe('SQL', () => {
  it('when every SQL text in the source is read, then values only ever travel as $n parameters', async () => {
    const unsafe: string[] = [];
    let checked = 0;
    for (const path of await sources()) {
      const file = await readFile(path, 'utf8');
      for (const match of file.matchAll(sqlTemplate)) {
        checked += 1;
        for (const [, expression] of match[0].matchAll(/\$\{([^}]*)\}/g)) {
          if (!safe(expression as string, file)) unsafe.push(`${path.slice(repoRoot.length + 1)}: \${${expression}}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(unsafe).toEqual([]);
  });

  it('when the checker meets request data in SQL, then it flags it', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text under test, not a template.
    const file = "const columns = 'a, b';\nconst table = `${client.escapeIdentifier(s)}.t`;";
    expect(safe('columns', file)).toBe(true);
    expect(safe('table', file)).toBe(true);
    expect(safe('admin.escapeLiteral(password)', file)).toBe(true);
    expect(safe('skierID', file)).toBe(false);
    expect(safe('req.query.resort', file)).toBe(false);
  });
});
