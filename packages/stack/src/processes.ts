import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface ProcessSpec {
  name: string;
  /** The service folder, relative to the repository root. */
  dir: string;
  entry: string;
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
  { name: 'resort', dir: 'services/resort', entry: 'src/main.ts', portVar: 'RESORT_PORT', defaultPort: 8081 },
  { name: 'lift-ride', dir: 'services/lift-ride', entry: 'src/main.ts', portVar: 'LIFT_RIDE_PORT', defaultPort: 8083 },
  {
    name: 'lift-ride-worker',
    dir: 'services/lift-ride',
    entry: 'src/worker-main.ts',
    portVar: 'LIFT_RIDE_WORKER_PORT',
    defaultPort: 8084,
  },
  { name: 'skier', dir: 'services/skier', entry: 'src/main.ts', portVar: 'SKIER_PORT', defaultPort: 8082 },
  {
    name: 'gateway',
    dir: 'services/gateway',
    entry: 'src/main.ts',
    portVar: 'GATEWAY_PORT',
    defaultPort: 8080,
    public: true,
  },
];

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
