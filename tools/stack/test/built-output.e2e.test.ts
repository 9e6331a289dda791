import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropDatabase } from '@skico/pg';
import { freePort, uniqueName, waitFor } from '@skico/test-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultAdminUrl } from '../src/database.ts';
import { removeNamespace } from '../src/namespace-cleanup.ts';
import { processes, repoRoot } from '../src/processes.ts';
import { defaultSettings, processEnv, type StackSettings } from '../src/stack-env.ts';
import { waitForReady } from '../src/start-stack.ts';
import { copyBuildContext } from './build-context.ts';
import { environmentOf, readCompose, readDockerfile } from './container-files.ts';

// What the image ships, without a Docker engine: the Dockerfile's own install and build commands run in a
// temporary folder (the machine's pnpm store stands in for the fetch stage), then every process starts the
// way docker-compose.yml starts it, with its variables pointed at the real servers on loopback.

const stages = readDockerfile();
const compose = readCompose();
const { packageManager } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  packageManager: string;
};

/** The RUN commands of a stage; the test knows how to play COPY and nothing else, so anything new fails. */
function runsOf(stage: string): string[] {
  const found = stages.find((s) => s.name === stage);
  if (!found) throw new Error(`the Dockerfile has no stage ${stage}`);
  for (const i of found.instructions) expect(['RUN', 'COPY', 'CMD'], `${stage}: ${i.keyword}`).toContain(i.keyword);
  return found.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
}

describe('the build output, installed and started as the image runs it', () => {
  const folders = { app: '', deploy: '', prod: '', bin: '' };
  const database = uniqueName('skico_b');
  const namespace = `${uniqueName('b').replaceAll('_', '-')}-`;
  const children: ChildProcess[] = [];
  const output: string[] = [];
  let settings: StackSettings;
  let timings: Record<string, number> = {};

  /** Runs a Dockerfile command in `cwd` with the image's absolute paths pointed at the temporary folders. */
  const sh = (command: string, cwd: string, store: string) => {
    const local = command.replaceAll('/pnpm/store', store).replace(/(^|\s)\/deploy(\s|$)/g, `$1${folders.deploy}$2`);
    const result = spawnSync('sh', ['-c', local], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${folders.bin}:${process.env.PATH}`, CI: 'true' },
    });
    expect(result.status, `${local}\n${result.stdout}\n${result.stderr}`).toBe(0);
  };

  beforeAll(async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'skico-built-'));
    Object.assign(folders, {
      app: join(tmp, 'app'),
      deploy: join(tmp, 'deploy'),
      prod: join(tmp, 'prod'),
      bin: join(tmp, 'bin'),
    });
    // The image installs pnpm globally at the packageManager version; here npx runs that version.
    await mkdir(folders.bin, { recursive: true });
    await writeFile(join(folders.bin, 'pnpm'), `#!/bin/sh\nexec npx --yes ${packageManager} "$@"\n`);
    await chmod(join(folders.bin, 'pnpm'), 0o755);
    const store = execFileSync('npx', ['--yes', packageManager, 'store', 'path'], { encoding: 'utf8' }).trim();

    const time = (name: string, step: () => void | Promise<void>) => async () => {
      const startedAt = Date.now();
      await step();
      timings[name] = Date.now() - startedAt;
    };
    timings = {};
    await time('copy context', async () => {
      await copyBuildContext(folders.app);
    })();
    await time('dev install', () => {
      for (const command of runsOf('dev')) sh(command, folders.app, store);
    })();
    await time('build', () => {
      for (const command of runsOf('build')) sh(command, folders.app, store);
    })();
    await time('prod install', async () => {
      const copy = stages.find((s) => s.name === 'prod')?.instructions.find((i) => i.keyword === 'COPY');
      expect(copy?.args).toBe('--from=build /deploy ./');
      await cp(folders.deploy, folders.prod, { recursive: true });
      for (const command of runsOf('prod')) sh(command, folders.prod, store);
    })();

    const ports: Record<string, number> = {};
    for (const key of Object.keys(defaultSettings.ports)) ports[key] = await freePort();
    settings = { ...defaultSettings, database, namespace, ports, logLevel: 'warn' };
    await time('start', async () => {
      const migrate = compose.services.migrate;
      const admin = { ADMIN_DATABASE_URL: defaultAdminUrl, SKICO_DATABASE: database };
      expect(Object.keys(environmentOf(migrate ?? {})).sort()).toEqual(Object.keys(admin).sort());
      const [, ...args] = (migrate?.command ?? []) as string[];
      const setup = spawnSync(process.execPath, args, {
        cwd: inImage(migrate?.working_dir),
        encoding: 'utf8',
        env: { PATH: process.env.PATH, ...admin },
      });
      expect(setup.status, `${setup.stdout}\n${setup.stderr}`).toBe(0);
      for (const spec of processes) {
        const service = compose.services[spec.name];
        // compose.int.test.ts checks that compose sets exactly these variables, with compose's host names.
        const env = processEnv(spec, settings);
        const [, ...argv] = (service?.command ?? []) as string[];
        const child = spawn(process.execPath, argv, {
          cwd: inImage(service?.working_dir),
          env: { PATH: process.env.PATH, ...env },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        child.stdout?.on('data', (d: Buffer) => output.push(`${spec.name}: ${d}`));
        child.stderr?.on('data', (d: Buffer) => output.push(`${spec.name}: ${d}`));
        children.push(child);
      }
      await Promise.all(
        processes.map((p) => waitForReady(`http://${settings.host}:${settings.ports[p.name]}`, 30_000)),
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n${output.slice(-30).join('')}`);
      });
    })();
    console.log(
      `built output: ${Object.entries(timings)
        .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
        .join(', ')}`,
    );
  }, 300_000);

  afterAll(async () => {
    await Promise.all(
      children
        .filter((child) => child.exitCode === null && child.signalCode === null)
        .map((child) => {
          const exited = once(child, 'exit');
          child.kill('SIGTERM');
          return exited;
        }),
    );
    await dropDatabase(defaultAdminUrl, database).catch(() => undefined);
    await removeNamespace({ namespace, amqpUrl: settings.amqpUrl, redisUrl: settings.redisUrl }).catch(() => undefined);
    if (folders.app) await rm(join(folders.app, '..'), { recursive: true, force: true });
  }, 60_000);

  async function filesOutsideNodeModules(dir: string, prefix = ''): Promise<string[]> {
    const entries = await readdir(join(dir, prefix), { withFileTypes: true });
    const nested = await Promise.all(
      entries
        .filter((e) => e.name !== 'node_modules')
        .map((e) => (e.isDirectory() ? filesOutsideNodeModules(dir, join(prefix, e.name)) : [join(prefix, e.name)])),
    );
    return nested.flat();
  }

  /** A folder of the image (a compose working_dir) in the temporary copy of what the image holds. */
  function inImage(dir = '/app'): string {
    expect(dir.startsWith('/app')).toBe(true);
    return join(folders.prod, dir.slice('/app'.length));
  }

  it('when the image is assembled, then it holds JavaScript and production dependencies, no sources or tsx', async () => {
    const ours = await filesOutsideNodeModules(folders.prod);
    expect(ours.filter((f) => f.endsWith('.ts'))).toEqual([]);
    for (const spec of processes) expect(ours).toContain(join(spec.dir, spec.built));
    const store = await readdir(join(folders.prod, 'node_modules', '.pnpm'));
    expect(store.filter((d) => /^(tsx|esbuild|vitest|typescript|@biomejs)/.test(d))).toEqual([]);
  });

  it('when a ride is posted through the gateway, then it is accepted and read back once the worker wrote it', async () => {
    const gateway = `http://${settings.host}:${settings.ports.gateway}`;
    const ride = `${gateway}/skiers/4/seasons/2025/days/1/skiers/601`;
    const posted = await fetch(ride, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ time: 217, liftID: 21 }),
    });
    expect(posted.status).toBe(201);
    let vertical: unknown;
    await waitFor(
      async () => {
        const res = await fetch(ride);
        vertical = res.ok ? await res.json() : undefined;
        return vertical === 210;
      },
      { timeoutMs: 10_000, message: `the ride was not read back (last: ${JSON.stringify(vertical)})` },
    );
    expect(vertical).toBe(210);
  });

  it('when the docs page is asked for, then the gateway serves swagger-ui from its production dependencies', async () => {
    const gateway = `http://${settings.host}:${settings.ports.gateway}`;
    expect((await fetch(`${gateway}/docs/assets/swagger-ui.css`)).status).toBe(200);
    expect((await fetch(`${gateway}/openapi.json`)).status).toBe(200);
  });
});
