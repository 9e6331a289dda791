import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commands, processes, repoRoot } from '../src/processes.ts';
import { defaultSettings, opsListeners, processEnv, type StackSettings } from '../src/stack-env.ts';
import {
  contextSources,
  dependenciesOf,
  environmentOf,
  portsOf,
  readCompose,
  readDockerfile,
  readYaml,
} from './container-files.ts';

// Static checks of docker-compose.yml, the Dockerfile and infra/: no Docker engine is needed, only the
// compose CLI (Debian package docker-compose) for the parser check.

const compose = readCompose();
const stages = readDockerfile();
const rootPackage = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  packageManager: string;
  engines: { node: string };
  dependencies?: Record<string, string>;
};

/** The settings of the local start command as they read inside the compose network. */
const inCompose: StackSettings = {
  ...defaultSettings,
  host: '0.0.0.0',
  postgres: 'postgres:5432',
  redisUrl: 'redis://redis:6379',
  amqpUrl: 'amqp://guest:guest@rabbitmq:5672',
};
const nameByPort = new Map(processes.map((p) => [String(p.defaultPort), p.name]));

/** processEnv() inside compose: a process calls another one by its service name instead of the host. */
function expectedEnv(spec: (typeof processes)[number]): Record<string, string> {
  const env = processEnv(spec, inCompose);
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      v.replace(/^http:\/\/0\.0\.0\.0:(\d+)$/, (_, port: string) => `http://${nameByPort.get(port)}:${port}`),
    ]),
  );
}

const infra = {
  postgres: { port: Number(defaultSettings.postgres.split(':')[1]), probe: 'pg_isready' },
  redis: { port: Number(new URL(defaultSettings.redisUrl).port), probe: 'redis-cli ping' },
  rabbitmq: { port: Number(new URL(defaultSettings.amqpUrl).port), probe: 'rabbitmq-diagnostics -q ping' },
};
/** Scaled with `--scale`: a fixed host port or a container name would make the second replica fail. */
const scalable = new Set(['lift-ride-worker']);

function service(name: string) {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
}

function healthTest(name: string): string {
  const test = service(name).healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : (test ?? '');
}

describe('docker-compose.yml', () => {
  describe.each(processes)('process $name', (spec) => {
    it('when the local start command gives it an environment, then compose sets exactly the same variables', () => {
      expect(Object.keys(environmentOf(service(spec.name))).sort()).toEqual(Object.keys(expectedEnv(spec)).sort());
    });

    it('when it runs in compose, then its variables point at compose services and its port is the table port', () => {
      const env = environmentOf(service(spec.name));
      expect(env).toEqual(expectedEnv(spec));
      expect(env[spec.portVar]).toBe(String(spec.defaultPort));
    });

    it('when it starts, then it runs the compiled entry of the process table from its service folder', () => {
      const { working_dir, command, build } = service(spec.name);
      expect(working_dir).toBe(`/app/${spec.dir}`);
      expect(command).toEqual(['node', spec.built]);
      expect(existsSync(join(repoRoot, spec.dir, spec.entry))).toBe(true);
      expect(build).toBeDefined();
    });

    it('when it runs, then it has a readiness health check and a restart policy', () => {
      expect(healthTest(spec.name)).toContain(`http://127.0.0.1:${spec.defaultPort}/health/ready`);
      expect(service(spec.name).restart).toBe('unless-stopped');
    });

    it('when it starts, then it waits for everything its environment points at', () => {
      const env = environmentOf(service(spec.name));
      const deps = dependenciesOf(service(spec.name));
      for (const [key, value] of Object.entries(env)) {
        if (!key.endsWith('_URL')) continue;
        const host = new URL(value).hostname;
        expect(Object.keys(compose.services), `${key} points at ${host}`).toContain(host);
        expect(Object.keys(deps), `${spec.name} depends on ${host}`).toContain(host);
        if (host in infra) expect(deps[host], `${spec.name} waits for ${host}`).toBe('service_healthy');
      }
      if (env.DATABASE_URL) expect(deps.migrate).toBe('service_completed_successfully');
    });

    it('when it is published, then the host port is the table port, or none when it is scaled', () => {
      const { container_name, expose } = service(spec.name);
      const ports = portsOf(service(spec.name));
      if (scalable.has(spec.name)) {
        expect(container_name).toBeUndefined();
        expect(ports.filter((p) => p.published !== undefined && !p.published.includes('-'))).toEqual([]);
        expect((expose ?? []).map(String)).toContain(String(spec.defaultPort));
      } else {
        expect(ports).toContainEqual(expect.objectContaining({ published: String(spec.defaultPort) }));
        expect(ports.map((p) => p.target)).toContain(spec.defaultPort);
        // An internal listener is published on loopback at most: it is for the operator, not the public.
        const ops = opsListeners[spec.name];
        for (const p of ports.filter((p) => ops && p.target === ops.defaultPort)) expect(p.hostIp).toBe('127.0.0.1');
      }
    });
  });

  it.each(Object.entries(infra))(
    'when the local start command expects %s on its standard port, then compose publishes it with a health check',
    (name, { port, probe }) => {
      expect(portsOf(service(name))).toContainEqual(expect.objectContaining({ published: String(port), target: port }));
      expect(healthTest(name)).toContain(probe);
      expect(service(name).restart).toBe('unless-stopped');
    },
  );

  it('when the migrations run, then the one-shot service sets up the database on the postgres container', () => {
    const migrate = service('migrate');
    const { dir, entry, built } = commands.dbSetup;
    expect(migrate.working_dir).toBe('/app');
    expect(migrate.command).toEqual(['node', `${dir}/${built}`]);
    expect(existsSync(join(repoRoot, dir, entry))).toBe(true);
    expect(new URL(environmentOf(migrate).ADMIN_DATABASE_URL ?? '').host).toBe(inCompose.postgres);
    expect(environmentOf(migrate).SKICO_DATABASE).toBe(defaultSettings.database);
    expect(dependenciesOf(migrate).postgres).toBe('service_healthy');
  });

  it('when an image is pulled, then it is pinned to a version tag', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) continue;
      const tag = /:([^/:@]+)$/.exec(s.image ?? '')?.[1];
      expect(tag, `${name} image ${s.image}`).toMatch(/\d/);
      expect(tag, `${name} image ${s.image}`).not.toMatch(/latest/);
    }
  });

  it('when compose builds or mounts a file, then it exists in the repository', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (s.build) {
        const build = typeof s.build === 'string' ? { context: s.build } : s.build;
        const context = join(repoRoot, build.context ?? '.');
        expect(existsSync(context), `${name} build context`).toBe(true);
        expect(existsSync(join(context, build.dockerfile ?? 'Dockerfile')), `${name} dockerfile`).toBe(true);
        if (build.target)
          expect(
            stages.map((st) => st.name),
            `${name} build target`,
          ).toContain(build.target);
      }
      for (const volume of s.volumes ?? []) {
        const source = typeof volume === 'string' ? volume.split(':')[0] : volume.source;
        if (source?.startsWith('.') || source?.startsWith('/')) {
          expect(existsSync(join(repoRoot, source)), `${name} mounts ${source}`).toBe(true);
        }
      }
    }
  });

  it('when Prometheus scrapes, then every process of the table is a target', () => {
    const config = readYaml<{
      scrape_configs: {
        static_configs?: { targets: string[] }[];
        dns_sd_configs?: { names: string[]; port: number }[];
      }[];
    }>('infra/prometheus/prometheus.yml');
    const targets = config.scrape_configs.flatMap((job) => [
      ...(job.static_configs ?? []).flatMap((c) => c.targets),
      ...(job.dns_sd_configs ?? []).flatMap((c) => c.names.map((n) => `${n}:${c.port}`)),
    ]);
    const metricsPort = (p: (typeof processes)[number]) => opsListeners[p.name]?.defaultPort ?? p.defaultPort;
    for (const p of processes) expect(targets).toContain(`${p.name}:${metricsPort(p)}`);
  });

  it('when Grafana starts, then it is provisioned with the Prometheus data source and a dashboard', () => {
    const datasources = readYaml<{ datasources: { type: string; url: string }[] }>(
      'infra/grafana/provisioning/datasources/prometheus.yml',
    );
    expect(datasources.datasources).toContainEqual(
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }),
    );
    const providers = readYaml<{ providers: { options: { path: string } }[] }>(
      'infra/grafana/provisioning/dashboards/skico.yml',
    );
    const mounts = (service('grafana').volumes ?? []).filter((v) => typeof v === 'string').map((v) => v.split(':'));
    for (const provider of providers.providers) {
      const source = mounts.find(([, target]) => target === provider.options.path)?.[0];
      expect(source, `a mount at ${provider.options.path}`).toBeDefined();
      const dashboards = readdirSync(join(repoRoot, source ?? '')).filter((f) => f.endsWith('.json'));
      expect(dashboards.length).toBeGreaterThan(0);
      for (const file of dashboards) {
        const dashboard = JSON.parse(readFileSync(join(repoRoot, source ?? '', file), 'utf8')) as { uid?: string };
        expect(dashboard.uid, file).toBeTruthy();
      }
    }
  });

  it('when the compose CLI reads the file, then it accepts it', () => {
    const cli = composeCli();
    const result = spawnSync(cli[0] ?? '', [...cli.slice(1), '-f', 'docker-compose.yml', 'config', '-q'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(result.status, `${cli.join(' ')} config -q: ${result.stderr}`).toBe(0);
  });
});

/** `docker compose` when the plugin is there, else the standalone `docker-compose`; never a silent skip. */
function composeCli(): string[] {
  const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  if (works('docker', ['compose', 'version'])) return ['docker', 'compose'];
  if (works('docker-compose', ['version'])) return ['docker-compose'];
  throw new Error(
    'no compose CLI to validate docker-compose.yml: install the Debian package docker-compose ' +
      '(apt-get install -y --no-install-recommends docker-compose) or the docker compose plugin',
  );
}

describe('Dockerfile', () => {
  const final = stages.at(-1);

  it('when an image is built, then every stage starts from a pinned image or an earlier stage', () => {
    stages.forEach((stage, i) => {
      const earlier = stages.slice(0, i).map((s) => s.name);
      if (earlier.includes(stage.from)) return;
      const tag = /:([^/:@]+)$/.exec(stage.from)?.[1];
      expect(tag, `FROM ${stage.from}`).toMatch(/^\d+\.\d+\.\d+/);
    });
  });

  it('when the image runs, then Node.js satisfies the engines field', () => {
    const [major, minor] = (rootPackage.engines.node.match(/\d+/g) ?? []).map(Number);
    for (const stage of stages.filter((s) => s.from.startsWith('node:'))) {
      const [m = 0, n = 0] = (/:(\d+)\.(\d+)/.exec(stage.from) ?? []).slice(1).map(Number);
      expect(m === major && n >= (minor ?? 0), stage.from).toBe(true);
    }
  });

  it('when the image runs, then the final stage is a user other than root, stopped by SIGTERM', () => {
    const users = final?.instructions.filter((i) => i.keyword === 'USER').map((i) => i.args.split(':')[0]);
    expect(users?.at(-1)).toBeDefined();
    expect(['root', '0']).not.toContain(users?.at(-1));
    expect(final?.instructions).toContainEqual({ keyword: 'STOPSIGNAL', args: 'SIGTERM' });
  });

  it('when pnpm installs, then it is the version of the packageManager field', () => {
    const pnpm = rootPackage.packageManager.replace(/^pnpm@/, '');
    const installs = stages.flatMap((s) => s.instructions).filter((i) => /\bpnpm@/.test(i.args));
    expect(installs.length).toBeGreaterThan(0);
    for (const i of installs) expect(i.args).toContain(`pnpm@${pnpm}`);
  });

  it('when the image runs, then it holds the build output with production dependencies, and no tsx', () => {
    const copies = final?.instructions.filter((i) => i.keyword === 'COPY') ?? [];
    const from = copies.map((i) => /--from=(\S+)/.exec(i.args)?.[1]);
    expect(from).toEqual(['prod']);
    const prod = stages.find((s) => s.name === 'prod')?.instructions ?? [];
    expect(prod.filter((i) => i.keyword === 'COPY').map((i) => i.args)).toEqual(['--from=build /deploy ./']);
    expect(prod.some((i) => /pnpm install .*--prod/.test(i.args))).toBe(true);
    const build = stages.find((s) => s.name === 'build')?.instructions ?? [];
    expect(build.map((i) => i.args)).toContain('pnpm run build --out /deploy');
    expect(rootPackage.dependencies?.tsx, 'tsx is a devDependency: production runs JavaScript').toBeUndefined();
    const gateway = processes.find((p) => p.public);
    const cmd = JSON.parse(final?.instructions.find((i) => i.keyword === 'CMD')?.args ?? '[]') as string[];
    expect(cmd).toEqual(['node', `${gateway?.dir}/${gateway?.built}`]);
  });

  it('when files are copied from the build context, then they exist and .dockerignore keeps them', () => {
    const ignored = readFileSync(join(repoRoot, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = stages.flatMap((s) => s.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD'));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources.flatMap(contextSources)) {
      expect(existsSync(join(repoRoot, source)), `COPY ${source}`).toBe(true);
      expect(ignored, `COPY ${source}`).not.toContain(source);
    }
  });

  it('when a stage copies from another, then that stage exists', () => {
    const names = stages.map((s) => s.name);
    for (const i of stages.flatMap((s) => s.instructions)) {
      const from = /--from=(\S+)/.exec(i.args)?.[1];
      if (from) expect(names, i.args).toContain(from);
    }
  });
});
