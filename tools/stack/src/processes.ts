import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository root: the nearest folder above this file with pnpm-workspace.yaml. Found by looking, not by
 * counting folders, because this code also runs bundled from another depth (tools/stack/dist/db-setup.js).
 */
export const repoRoot = findUp(dirname(fileURLToPath(import.meta.url)), 'pnpm-workspace.yaml');

function findUp(from: string, file: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, file))) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${file} above ${from}`);
  }
}

/** Something `npm run build` compiles: a TypeScript entry and the JavaScript file production runs instead. */
export interface BuiltEntry {
  name: string;
  /** The package folder, relative to the repository root; entry and built are relative to it. */
  dir: string;
  /** The TypeScript source, run with tsx by `npm start`. */
  entry: string;
  /** The compiled output, run with node by the image, compose and the Kubernetes manifests. */
  built: string;
}

export interface ProcessSpec extends BuiltEntry {
  portVar: string;
  defaultPort: number;
  /** Whether it serves the public API (only the gateway). */
  public?: boolean;
}

/**
 * Every process of the system, in start order. The start command, the end-to-end tests, the compose file
 * and the Kubernetes manifests are all checked against this one table.
 */
export const processes: ProcessSpec[] = [
  {
    name: 'resort',
    dir: 'services/resort',
    entry: 'src/main.ts',
    built: 'dist/main.js',
    portVar: 'RESORT_PORT',
    defaultPort: 8081,
  },
  {
    name: 'lift-ride',
    dir: 'services/lift-ride',
    entry: 'src/main.ts',
    built: 'dist/main.js',
    portVar: 'LIFT_RIDE_PORT',
    defaultPort: 8083,
  },
  {
    name: 'lift-ride-worker',
    dir: 'services/lift-ride',
    entry: 'src/worker-main.ts',
    built: 'dist/worker-main.js',
    portVar: 'LIFT_RIDE_WORKER_PORT',
    defaultPort: 8084,
  },
  {
    name: 'skier',
    dir: 'services/skier',
    entry: 'src/main.ts',
    built: 'dist/main.js',
    portVar: 'SKIER_PORT',
    defaultPort: 8082,
  },
  {
    name: 'gateway',
    dir: 'services/gateway',
    entry: 'src/main.ts',
    built: 'dist/main.js',
    portVar: 'GATEWAY_PORT',
    defaultPort: 8080,
    public: true,
  },
];

/** The one-shot commands of the image: the migrate Job's database setup, and the operator's dead-letter tool. */
export const commands = {
  dbSetup: { name: 'db-setup', dir: 'tools/stack', entry: 'src/cli/db-setup.ts', built: 'dist/db-setup.js' },
  deadLetters: {
    name: 'dead-letters',
    dir: 'services/lift-ride',
    entry: 'src/cli/dead-letters.ts',
    built: 'dist/dead-letters.js',
  },
} satisfies Record<string, BuiltEntry>;

/** Everything `npm run build` compiles. */
export const builtEntries: BuiltEntry[] = [...processes, ...Object.values(commands)];

export interface ServiceSchema {
  service: string;
  schema: string;
  role: string;
  password: string;
  migrations: string;
}

/** One schema and one login role per service; the passwords are development defaults. */
export const serviceSchemas: ServiceSchema[] = [
  {
    service: 'resort',
    schema: 'resort',
    role: 'resort_svc',
    password: 'resort-dev-password',
    migrations: 'services/resort/migrations',
  },
  {
    service: 'skier',
    schema: 'skier',
    role: 'skier_svc',
    password: 'skier-dev-password',
    migrations: 'services/skier/migrations',
  },
  {
    service: 'lift-ride',
    schema: 'lift_ride',
    role: 'liftride_svc',
    password: 'liftride-dev-password',
    migrations: 'services/lift-ride/migrations',
  },
];
