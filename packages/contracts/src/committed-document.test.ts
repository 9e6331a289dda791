import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkCommittedDocument, renderOpenApiDocument, writeCommittedDocument } from './committed-document.ts';

const cli = fileURLToPath(new URL('./cli/write-openapi.ts', import.meta.url));
const runCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', timeout: 30_000 });

async function tempDocument(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), 'skico-openapi-')), 'openapi.json');
}

describe('committed OpenAPI document', () => {
  it('when docs/openapi.json is checked, then it matches the contract', async () => {
    const check = await checkCommittedDocument();
    expect(check.reason).toBeUndefined();
    expect(check.upToDate).toBe(true);
  });

  it('when freshly written, then it is pretty JSON with a trailing newline and passes the check', async () => {
    const path = await tempDocument();
    await writeCommittedDocument(path);
    const text = await readFile(path, 'utf8');
    expect(text).toBe(renderOpenApiDocument());
    expect(text.endsWith('}\n')).toBe(true);
    expect((await checkCommittedDocument(path)).upToDate).toBe(true);
  });

  it('when only the layout differs, then it is not drift', async () => {
    const path = await tempDocument();
    await writeFile(path, JSON.stringify(JSON.parse(renderOpenApiDocument())));
    expect((await checkCommittedDocument(path)).upToDate).toBe(true);
  });

  it('when the content has drifted or the file is missing, then the check fails', async () => {
    const path = await tempDocument();
    const drifted = JSON.parse(renderOpenApiDocument());
    drifted.paths['/resorts'].get.summary = 'edited by hand';
    await writeFile(path, JSON.stringify(drifted, null, 2));
    expect(await checkCommittedDocument(path)).toMatchObject({
      upToDate: false,
      reason: expect.stringContaining('differs'),
    });
    expect((await checkCommittedDocument(`${path}.missing`)).upToDate).toBe(false);
  });

  it('when the CLI runs with --check, then it exits 0 on the committed file and 1 on a drifted one', async () => {
    expect(runCli('--check').status).toBe(0);
    const path = await tempDocument();
    await writeFile(path, '{"openapi":"3.1.0"}\n');
    const drifted = runCli('--check', '--file', path);
    expect(drifted.status).toBe(1);
    expect(drifted.stderr).toContain('out of date');
  });
});
