import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { freePort } from '@skico/test-kit';
import { expect, it } from 'vitest';
import { repoRoot } from '../src/processes.ts';

// The start command itself, with REDIS_URL at a port where nothing listens: it must say that it uses that
// address and stop there, not start against the Redis on the standard port (which runs on this machine).
it('when REDIS_URL is set, then npm start checks that Redis and refuses to start without it', async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'tools/stack/src/cli/start.ts')], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL: `redis://127.0.0.1:${port}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => {
    output += d;
  });
  child.stderr.on('data', (d: Buffer) => {
    output += d;
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), 20_000);
  const [code] = await once(child, 'exit');
  clearTimeout(timer);
  expect(output).toMatch(new RegExp(`redis: +redis://127\\.0\\.0\\.1:${port} \\(REDIS_URL\\)`));
  expect(output).toContain(`not reachable: redis (127.0.0.1:${port})`);
  expect(output).not.toContain('preparing the database');
  expect(code).toBe(1);
}, 30_000);
