import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@skico/stack';
import { waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../src/test-stack.ts';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the whole system started as the start command does', () => {
  let stack: TestStack;
  let pids: number[];

  beforeAll(async () => {
    stack = await startTestStack();
    pids = stack.supervisor.pids();
  });
  afterAll(async () => {
    if (stack) await stack.stop();
  });

  it('when it starts, then every process runs', () => {
    expect(pids).toHaveLength(5);
    expect(pids.every(alive)).toBe(true);
  });

  it('when GET /resorts goes through the gateway, then the 10 seeded resorts come back', async () => {
    const res = await fetch(`${stack.gatewayUrl}/resorts`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const body = (await res.json()) as { resorts: { resortID: number; resortName: string }[] };
    expect(body.resorts.map((r) => r.resortID)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(body.resorts.every((r) => r.resortName.length > 0)).toBe(true);
  });

  it('when a process is killed, then the supervisor restarts it', async () => {
    const before = stack.supervisor.child('resort')?.pid;
    stack.supervisor.child('resort')?.kill('SIGKILL');
    await waitFor(
      async () => {
        const pid = stack.supervisor.child('resort')?.pid;
        if (!pid || pid === before) return false;
        const res = await fetch(`${stack.gatewayUrl}/resorts/1/seasons`).catch(() => undefined);
        return res?.status === 200;
      },
      { timeoutMs: 20_000, message: 'resort was not restarted' },
    );
    expect(stack.supervisor.restarts('resort')).toBe(1);
    pids = stack.supervisor.pids();
  });

  it('when the stack stops, then no process is left', async () => {
    await stack.supervisor.stop();
    expect(pids.filter(alive)).toEqual([]);
  });
});

describe('a process started with a bad setting', () => {
  it('when a port variable is not a number, then it exits at once naming the variable', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: join(repoRoot, 'services/resort'),
      env: { ...process.env, RESORT_PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('RESORT_PORT');
  });
});
