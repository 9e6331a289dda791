import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const fixture = join(dirname(fileURLToPath(import.meta.url)), 'command-line-fixture.ts');

function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', fixture, ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

describe('command lines', () => {
  it('when the options are right, then the command gets their values', async () => {
    expect(await run('--limit', '5')).toMatchObject({ code: 0, stdout: '{"limit":"5"}\n' });
  });

  it('when --help is asked for, then the usage is printed and the command ends with 0', async () => {
    expect(await run('--help')).toMatchObject({ code: 0, stdout: 'Usage: fixture [--limit N]\n' });
  });

  it('when an option is unknown or lacks its value, then what is wrong and the usage are printed, exit 2, no stack', async () => {
    for (const args of [['--bogus'], ['--limit']]) {
      const { code, stderr } = await run(...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toContain('Usage: fixture');
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });
});
