import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@skico/config';
import { DEVELOPMENT_API_KEY_SECRET, DEVELOPMENT_JWT_SECRET, gatewayConfigSchema } from '@skico/gateway';
import { liftRideConfigSchema } from '@skico/lift-ride';
import { resortConfigSchema } from '@skico/resort';
import { skierConfigSchema } from '@skico/skier';
import { processes, repoRoot, serviceSchemas } from '@skico/stack';
import { describe, expect, it } from 'vitest';

/** The development secrets: each process must refuse to start with them in production. */
const refused: Record<string, string[]> = {
  gateway: ['JWT_SECRET', 'API_KEY_SECRET'],
  resort: ['DATABASE_URL'],
  skier: ['DATABASE_URL'],
  'lift-ride': ['DATABASE_URL', 'AMQP_URL'],
  'lift-ride-worker': ['DATABASE_URL', 'AMQP_URL'],
};

/** Starts one process of the table as the supervisor does; resolves with its exit code and stderr. */
function start(
  dir: string,
  entry: string,
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: join(repoRoot, dir),
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += String(chunk);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} in ${dir} was still running after 20 s: it did not refuse to start`));
    }, 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('secrets in production', () => {
  it('when a process starts in production with the development secrets, then it exits 1 naming each variable', async () => {
    const results = await Promise.all(
      processes.map(async (p) => ({ name: p.name, ...(await start(p.dir, p.entry, { NODE_ENV: 'production' })) })),
    );
    for (const { name, code, stderr } of results) {
      expect(code, name).toBe(1);
      for (const variable of refused[name] ?? []) expect(stderr, name).toContain(`${variable}: the development`);
    }
  });

  it('when production secrets are given, then every config loads', () => {
    const prod = { NODE_ENV: 'production' };
    const db = (role: string) => `postgres://${role}:${'p'.repeat(24)}@db.internal:5432/skico`;
    expect(() =>
      loadConfig(gatewayConfigSchema, { ...prod, JWT_SECRET: 's'.repeat(48), API_KEY_SECRET: 'k'.repeat(48) }),
    ).not.toThrow();
    expect(() => loadConfig(resortConfigSchema, { ...prod, DATABASE_URL: db('resort_svc') })).not.toThrow();
    expect(() => loadConfig(skierConfigSchema, { ...prod, DATABASE_URL: db('skier_svc') })).not.toThrow();
    expect(() =>
      loadConfig(liftRideConfigSchema, {
        ...prod,
        DATABASE_URL: db('liftride_svc'),
        AMQP_URL: 'amqps://skico:another-password@mq.internal:5671',
      }),
    ).not.toThrow();
  });

  it('when AMQP_URL lists the nodes of a cluster, then it loads, and the development password on any node is refused in production', () => {
    const prod = {
      NODE_ENV: 'production',
      DATABASE_URL: `postgres://liftride_svc:${'p'.repeat(24)}@db.internal:5432/skico`,
    };
    const nodes = ['mq-0', 'mq-1', 'mq-2'].map((host) => `amqps://skico:another-password@${host}.internal:5671`);
    expect(loadConfig(liftRideConfigSchema, { ...prod, AMQP_URL: nodes.join(',') }).AMQP_URL).toBe(nodes.join(','));
    expect(() => loadConfig(liftRideConfigSchema, { ...prod, AMQP_URL: `${nodes[0]},http://mq-1.internal` })).toThrow(
      /AMQP_URL/,
    );
    const withDevelopment = `${nodes[0]},amqp://guest:guest@127.0.0.1:5672`;
    expect(() => loadConfig(liftRideConfigSchema, { ...prod, AMQP_URL: withDevelopment })).toThrow(
      /AMQP_URL: the development/,
    );
  });

  it('when not in production, then the development defaults load as before', () => {
    for (const schema of [gatewayConfigSchema, resortConfigSchema, skierConfigSchema, liftRideConfigSchema]) {
      expect(() => loadConfig(schema, {})).not.toThrow();
    }
  });

  it('when the source is searched for the development secrets, then they sit only in config schemas and the stack table', async () => {
    const secrets = [
      DEVELOPMENT_JWT_SECRET,
      DEVELOPMENT_API_KEY_SECRET,
      ...serviceSchemas.map((s) => s.password),
      'guest:guest',
    ];
    const allowed = /^(services\/[\w-]+\/src\/config\.ts|packages\/stack\/src\/(processes|stack-env)\.ts)$/;
    const found: string[] = [];
    for (const root of ['services', 'packages']) {
      for (const entry of await readdir(join(repoRoot, root), { recursive: true, withFileTypes: true })) {
        const path = join(entry.parentPath, entry.name).slice(repoRoot.length + 1);
        if (
          !entry.isFile() ||
          !path.endsWith('.ts') ||
          path.includes('node_modules') ||
          /\/test\/|\.test\.ts$/.test(path)
        ) {
          continue;
        }
        const text = await readFile(join(repoRoot, path), 'utf8');
        for (const secret of secrets)
          if (text.includes(secret) && !allowed.test(path)) found.push(`${path}: ${secret}`);
      }
    }
    expect(found).toEqual([]);
  });
});
