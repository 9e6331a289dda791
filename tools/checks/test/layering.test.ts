import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LayeringViolation, layeringViolations } from '../src/layering.ts';

/** The workspace packages of the fixture: folder, name, and the @fx packages each depends on. */
const workspaces = [
  { dir: 'packages/kit', deps: ['alpha', 'tool'] },
  { dir: 'services/alpha', deps: ['kit', 'tool'] },
  { dir: 'services/beta', deps: ['alpha', 'kit'] },
  { dir: 'tools/tool', deps: ['alpha', 'kit'] },
];

/** A tiny tree laid out like this repository, with one deliberate violation of each rule and allowed imports. */
const files: Record<string, string> = {
  'packages/kit/src/index.ts': "export const kit = 'kit';\n",
  'packages/kit/src/inner.ts': "export const inner = 'inner';\n",
  'packages/kit/src/uses-service.ts': "import { alpha } from '@fx/alpha';\nexport const a = alpha;\n",
  'packages/kit/src/uses-tool.ts': "import { tool } from '@fx/tool';\nexport const t = tool;\n",
  'services/alpha/src/index.ts': "import { kit } from '@fx/kit';\nexport const alpha = kit;\n",
  'services/alpha/src/first.ts': "import { second } from './second.ts';\nexport const first = () => second;\n",
  'services/alpha/src/second.ts': "import { first } from './first.ts';\nexport const second = () => first;\n",
  'services/alpha/src/main.ts': "import { tool } from '@fx/tool';\nconsole.log(tool);\n",
  'services/alpha/test/alpha.test.ts': "import { tool } from '@fx/tool';\nconsole.log(tool);\n",
  'services/beta/src/index.ts': "import { alpha } from '@fx/alpha';\nexport const beta = alpha;\n",
  'tools/tool/src/index.ts': "import { alpha } from '@fx/alpha';\nexport const tool = alpha;\n",
  'tools/tool/src/deep.ts': "import { inner } from '../../../packages/kit/src/inner.ts';\nexport const deep = inner;\n",
};

let root: string;
let violations: LayeringViolation[];

function write(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'skico-layering-'));
  write('package.json', JSON.stringify({ name: 'fixture', private: true, type: 'module' }));
  write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', allowImportingTsExtensions: true },
    }),
  );
  for (const { dir, deps } of workspaces) {
    const name = `@fx/${dir.split('/')[1]}`;
    const dependencies = Object.fromEntries(deps.map((d) => [`@fx/${d}`, 'workspace:*']));
    write(
      `${dir}/package.json`,
      JSON.stringify({ name, type: 'module', exports: { '.': './src/index.ts' }, dependencies }),
    );
    // As pnpm links them: node_modules/@fx/<name> of each dependent is a symlink to the package's folder.
    for (const dep of deps) {
      const target = workspaces.find((w) => w.dir.endsWith(`/${dep}`))?.dir ?? '';
      const link = join(root, dir, 'node_modules', '@fx', dep);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), join(root, target)), link, 'dir');
    }
  }
  for (const [path, text] of Object.entries(files)) write(path, text);
  violations = await layeringViolations(root);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const found = (rule: string, from: string) => violations.filter((v) => v.rule === rule && v.from === from);

describe('the layering rules of npm run lint', () => {
  it('when a package imports a service, then it is reported', () => {
    expect(found('package-to-service-or-tool', 'packages/kit/src/uses-service.ts')).toEqual([
      expect.objectContaining({ to: 'services/alpha/src/index.ts' }),
    ]);
  });

  it('when a package imports a tool, then it is reported', () => {
    expect(found('package-to-service-or-tool', 'packages/kit/src/uses-tool.ts')).toEqual([
      expect.objectContaining({ to: 'tools/tool/src/index.ts' }),
    ]);
  });

  it('when a service imports another service through its package name, then it is reported', () => {
    expect(found('service-to-service', 'services/beta/src/index.ts')).toEqual([
      expect.objectContaining({ to: 'services/alpha/src/index.ts' }),
    ]);
  });

  it('when two files import each other, then the circle is reported', () => {
    const circles = violations.filter((v) => v.rule === 'no-circular');
    expect(circles).toEqual([
      expect.objectContaining({
        from: 'services/alpha/src/first.ts',
        cycle: ['services/alpha/src/second.ts', 'services/alpha/src/first.ts'],
      }),
    ]);
  });

  it("when a service's source imports a tool, then it is reported, and its test may", () => {
    expect(found('runtime-to-tool', 'services/alpha/src/main.ts')).toHaveLength(1);
    expect(violations.filter((v) => v.from.startsWith('services/alpha/test/'))).toEqual([]);
  });

  it("when a file reaches into another package's src, then it is reported", () => {
    expect(found('deep-import', 'tools/tool/src/deep.ts')).toEqual([
      expect.objectContaining({ to: 'packages/kit/src/inner.ts' }),
    ]);
  });

  it('when a tool imports a service or a package through its entry, then nothing is reported', () => {
    expect(violations.filter((v) => v.from === 'tools/tool/src/index.ts')).toEqual([]);
    expect(violations.filter((v) => v.from === 'services/alpha/src/index.ts')).toEqual([]);
  });

  it('when the rules check this repository, then nothing is reported', async () => {
    expect(await layeringViolations()).toEqual([]);
  }, 60_000);
});
