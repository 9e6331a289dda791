import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '@skico/stack';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import { parseAllDocuments } from 'yaml';

/** One resource of a kustomize build, before its kind is known. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** `kustomize build` when the standalone binary is there, else kubectl's built-in kustomize; never a silent skip. */
function kustomizeCli(): string[] {
  const works = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  if (works('kustomize', ['version'])) return ['kustomize', 'build'];
  if (works('kubectl', ['version', '--client'])) return ['kubectl', 'kustomize'];
  throw new Error(
    'no kustomize to build infra/k8s: install kubectl 1.27 or newer (it bundles kustomize v5) or the standalone ' +
      'kustomize v5. Debian bookworm has neither: its kubernetes-client (kubectl 1.20, kustomize v2) is too old ' +
      'for the `labels` and `patches` fields.',
  );
}

const builds = new Map<string, K8sObject[]>();

/** The resources of one kustomization (a folder of the repository), built by a real kustomize. */
export function buildKustomization(dir: string): K8sObject[] {
  const cached = builds.get(dir);
  if (cached) return cached;
  const [cmd = '', ...args] = kustomizeCli();
  const result = spawnSync(cmd, [...args, join(repoRoot, dir)], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) {
    const version = spawnSync(cmd === 'kubectl' ? 'kubectl' : 'kustomize', ['version', '--client'], {
      encoding: 'utf8',
    }).stdout;
    throw new Error(
      `${cmd} ${args.join(' ')} ${dir} failed (kustomize v5 expected; ${version.trim()}):\n${result.stderr}`,
    );
  }
  const objects = parseAllDocuments(result.stdout).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${dir}: ${doc.errors[0]?.message}`);
    return doc.toJS() as K8sObject;
  });
  builds.set(dir, objects);
  return objects;
}

export function ofKind<T = K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

/** The one resource of a kind and name; throws when it is missing. */
export function named<T = K8sObject>(objects: K8sObject[], kind: string, name: string): T {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in the build`);
  return found as T;
}

/** A ConfigMap's or Secret's entries as plain strings (Secret data is base64). */
export function entriesOf(object: K8sObject): Record<string, string> {
  const data = (object.data ?? {}) as Record<string, string>;
  if (object.kind === 'Secret') {
    return {
      ...Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])),
      ...((object.stringData ?? {}) as Record<string, string>),
    };
  }
  return { ...data };
}

/** A resource referred to by a pod or a custom resource: missing ones are made by an operator or by hand. */
export interface Reference {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  key?: string;
  from: string;
}

/** Every ConfigMap and Secret a pod spec names (env, envFrom, volumes). */
export function podReferences(spec: IPodSpec, from: string): Reference[] {
  const refs: Reference[] = [];
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    for (const source of c.envFrom ?? []) {
      if (source.configMapRef?.name) refs.push({ kind: 'ConfigMap', name: source.configMapRef.name, from });
      if (source.secretRef?.name) refs.push({ kind: 'Secret', name: source.secretRef.name, from });
    }
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const secret = e.valueFrom?.secretKeyRef;
      if (cm?.name) refs.push({ kind: 'ConfigMap', name: cm.name, key: cm.key, from });
      if (secret?.name) refs.push({ kind: 'Secret', name: secret.name, key: secret.key, from });
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.configMap?.name) refs.push({ kind: 'ConfigMap', name: v.configMap.name, from });
    if (v.secret?.secretName) refs.push({ kind: 'Secret', name: v.secret.secretName, from });
  }
  return refs;
}

/**
 * A container's environment as the kubelet builds it: envFrom first, then env, with `$(VAR)` expanded.
 * A value from a Secret that is not in the build reads as `name.key`.
 */
export function containerEnv(objects: K8sObject[], container: IContainer): Record<string, string> {
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const ref = source.configMapRef ?? source.secretRef;
    const object = find(source.configMapRef ? 'ConfigMap' : 'Secret', ref?.name ?? '');
    if (!object) throw new Error(`${container.name}: envFrom ${ref?.name} is not in the build`);
    Object.assign(env, entriesOf(object));
  }
  for (const e of container.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    if (ref) {
      const object = find(e.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap', ref.name ?? '');
      env[e.name] = object ? (entriesOf(object)[ref.key] ?? '') : `${ref.name}.${ref.key}`;
    } else {
      env[e.name] = (e.value ?? '').replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (all, name: string) => env[name] ?? all);
    }
  }
  return env;
}

const units: Record<string, number> = {
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
};

/** A Kubernetes quantity ("250m", "1", "512Mi") as a number of cores or bytes. */
export function quantity(value: string | number | undefined): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+(?:\.\d+)?)(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.exec(value ?? '');
  if (!match) throw new Error(`not a quantity: ${value}`);
  return Number(match[1]) * (units[match[2] ?? ''] ?? Number.NaN);
}

/** The pod spec of every workload kind the manifests use. */
export function podSpecs(objects: K8sObject[]): { owner: string; spec: IPodSpec }[] {
  return objects
    .filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind))
    .map((o) => ({
      owner: `${o.kind} ${o.metadata.name}`,
      spec: (o.spec as { template: { spec: IPodSpec } }).template.spec,
    }));
}
