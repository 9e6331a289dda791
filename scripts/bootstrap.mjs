#!/usr/bin/env node
// Entry point of the root npm scripts. Plain JavaScript on purpose: it runs on a fresh clone before any
// dependency is installed, installs them when missing, then hands over to the TypeScript tooling.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function hasCommand(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Runs pnpm: the one on PATH when it is the pinned version, else the pinned version through npx. */
function pnpm(args) {
  const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  if (onPath.status === 0 && onPath.stdout.trim() === pnpmVersion) return run('pnpm', args);
  return run('npx', ['--yes', `pnpm@${pnpmVersion}`, ...args]);
}

function installed() {
  // pnpm keeps a copy of the lockfile it installed from: a different one means dependencies changed since.
  const copy = join(root, 'node_modules', '.pnpm', 'lock.yaml');
  const lock = join(root, 'pnpm-lock.yaml');
  if (!existsSync(copy) || !existsSync(lock)) return false;
  return readFileSync(copy, 'utf8') === readFileSync(lock, 'utf8');
}

function ensureInstalled() {
  if (installed()) return;
  console.log('[skico] installing dependencies with pnpm %s …', pnpmVersion);
  const args = ['install', '--reporter=append-only'];
  if (process.env.CI) args.push('--frozen-lockfile');
  const status = pnpm(args);
  if (status !== 0) process.exit(status);
}

/** Hands over to a TypeScript entry point, forwarding SIGINT and SIGTERM so that nothing is orphaned. */
function tsx(script, args) {
  const bin = join(root, 'node_modules', '.bin', 'tsx');
  const child = spawn(bin, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const [command = 'start', ...rest] = process.argv.slice(2);
if (!hasCommand('npx')) {
  console.error('[skico] npx is missing: install Node.js 20 with npm.');
  process.exit(1);
}
ensureInstalled();

const scripts = {
  start: 'tools/stack/src/cli/start.ts',
  test: 'tools/stack/src/cli/test.ts',
  build: 'tools/stack/src/cli/build.ts',
  'db-setup': 'tools/stack/src/cli/db-setup.ts',
  'lint-extra': 'tools/checks/src/cli/lint-extra.ts',
  token: 'services/gateway/src/cli/mint-token.ts',
  'api-key': 'services/gateway/src/cli/issue-api-key.ts',
  'dead-letters': 'services/lift-ride/src/cli/dead-letters.ts',
  'load-growth': 'tools/load/src/growth/cli.ts',
  load: 'tools/load/src/cli.ts',
  screenshots: 'tools/stack/src/cli/screenshots.ts',
};
if (command === 'install') process.exit(0);
const script = scripts[command];
if (!script) {
  console.error(`[skico] unknown command "${command}"; known: ${Object.keys(scripts).join(', ')}`);
  process.exit(2);
}
tsx(script, rest);
