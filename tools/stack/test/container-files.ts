import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../src/processes.ts';

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
  working_dir?: string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | number | { target: number; published?: string | number; host_ip?: string })[];
  expose?: (string | number)[];
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  depends_on?: string[] | Record<string, { condition?: string }>;
  volumes?: (string | { type?: string; source?: string; target?: string })[];
  container_name?: string;
  profiles?: string[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** Reads a YAML file of the repository, with `<<` merge keys resolved as compose resolves them. */
export function readYaml<T>(path: string): T {
  return parse(readFileSync(join(repoRoot, path), 'utf8'), { merge: true }) as T;
}

export function readCompose(): ComposeFile {
  return readYaml<ComposeFile>('docker-compose.yml');
}

/**
 * A value after compose's variable interpolation, as it reads when the shell sets none of the variables:
 * `${NAME:-default}` and `${NAME-default}` give the default, `${NAME}` and `$NAME` nothing, `$$` a `$`.
 */
function interpolateUnset(value: string): string {
  return value.replace(/\$\$|\$\{[A-Za-z_]\w*(?::?-([^}]*))?\}|\$[A-Za-z_]\w*/g, (all, fallback?: string) =>
    all === '$$' ? '$' : (fallback ?? ''),
  );
}

/** A service's environment as a map, whichever of compose's two syntaxes it uses, interpolated as above. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), interpolateUnset(entry.slice(at + 1))];
      }),
    );
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? '' : interpolateUnset(String(v))]));
}

export interface PublishedPort {
  hostIp?: string;
  /** The host port or range, absent when Docker picks one. */
  published?: string;
  target: number;
}

/** Reads compose's short (`[ip:]host:container[/proto]`) and long port syntaxes. */
export function portsOf(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port === 'object') {
      return {
        target: port.target,
        ...(port.published === undefined ? {} : { published: String(port.published) }),
        ...(port.host_ip === undefined ? {} : { hostIp: port.host_ip }),
      };
    }
    const parts = String(port)
      .replace(/\/(tcp|udp)$/, '')
      .split(':');
    const target = Number(parts.at(-1));
    if (parts.length === 3) return { hostIp: parts[0], published: parts[1], target };
    if (parts.length === 2) return { published: parts[0], target };
    return { target };
  });
}

export function dependenciesOf(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, d]) => [name, d.condition ?? 'service_started']));
}

export interface DockerInstruction {
  keyword: string;
  args: string;
}

export interface DockerStage {
  from: string;
  name?: string;
  instructions: DockerInstruction[];
}

/** Splits a Dockerfile into stages of instructions, joining continued lines and dropping comments. */
export function readDockerfile(path = 'Dockerfile'): DockerStage[] {
  const lines = readFileSync(join(repoRoot, path), 'utf8')
    .split('\n')
    .filter((line) => !/^\s*#/.test(line));
  const instructions: DockerInstruction[] = [];
  let pending = '';
  for (const line of lines) {
    pending += line.trimEnd();
    if (pending.endsWith('\\')) {
      pending = `${pending.slice(0, -1)} `;
      continue;
    }
    const match = /^\s*(\w+)\s+(.*)$/.exec(pending);
    if (match?.[1] && match[2] !== undefined) instructions.push({ keyword: match[1].toUpperCase(), args: match[2] });
    pending = '';
  }
  const stages: DockerStage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = instruction.args.replace(/--platform=\S+\s+/, '').split(/\s+/);
      stages.push({ from, ...(as?.toUpperCase() === 'AS' && name ? { name } : {}), instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The source paths of a COPY or ADD from the build context; none for `COPY --from=…`. */
export function contextSources(instruction: DockerInstruction): string[] {
  const words = instruction.args.startsWith('[')
    ? (JSON.parse(instruction.args) as string[])
    : instruction.args.split(/\s+/).filter(Boolean);
  const flags = words.filter((w) => w.startsWith('--'));
  if (flags.some((f) => f.startsWith('--from='))) return [];
  return words.filter((w) => !w.startsWith('--')).slice(0, -1);
}
