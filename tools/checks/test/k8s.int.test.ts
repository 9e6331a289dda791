import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { ITriggerAuthentication } from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { processFields } from '@skico/config';
import { liftRideTopology } from '@skico/contracts';
import { liftRideConfigSchema } from '@skico/lift-ride';
import { persistQueueArguments } from '@skico/messaging';
import {
  commands,
  defaultSettings,
  opsListeners,
  type ProcessSpec,
  processEnv,
  processes,
  repoRoot,
  type StackSettings,
} from '@skico/stack';
import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IJob } from 'kubernetes-models/batch/v1/Job';
import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IService } from 'kubernetes-models/v1/Service';
import { describe, expect, it } from 'vitest';
import {
  buildKustomization,
  containerEnv,
  entriesOf,
  type K8sObject,
  named,
  ofKind,
  podReferences,
  podSpecs,
  quantity,
} from './k8s-manifests.ts';
import { validateResource, validationOf } from './k8s-schemas.ts';

// Static checks of infra/k8s: every kustomization is built by a real kustomize (kubectl's built-in one or the
// standalone binary; the test fails, never skips, without one), every built resource is validated (see
// k8s-schemas.ts for what against), and the Deployments are checked against the process table and processEnv()
// as compose.int.test.ts checks docker-compose.yml. No cluster is needed.

interface Kustomization {
  dir: string;
  namespace?: string;
  /** Variables an overlay adds to processEnv()'s, for every process or for one. */
  extraEnv: { all: Record<string, string>; byProcess: Record<string, string[]> };
}

// The local start command reads the primary only (DATABASE_READ_URL defaults to it); the cluster's query side
// reads the replicas. The lift-ride worker shares the API's Secret, and does not read the variable.
const readUrl = {
  'lift-ride': ['DATABASE_READ_URL'],
  'lift-ride-worker': ['DATABASE_READ_URL'],
  skier: ['DATABASE_READ_URL'],
};
const base: Kustomization = { dir: 'infra/k8s/base', extraEnv: { all: {}, byProcess: readUrl } };
const dev: Kustomization = { dir: 'infra/k8s/overlays/dev', namespace: 'skico-dev', extraEnv: base.extraEnv };
const prod: Kustomization = {
  dir: 'infra/k8s/overlays/prod',
  namespace: 'skico',
  extraEnv: {
    all: { NODE_ENV: 'production' },
    byProcess: { ...readUrl, gateway: ['JWT_SECRET', 'API_KEY_SECRET'] },
  },
};
const kustomizations = [base, dev, prod];

/** Secrets that an operator makes at run time or that are created by hand, never by kustomize. */
const external: Record<string, string> = {
  'postgres-superuser': 'CloudNativePG, for the Cluster postgres with enableSuperuserAccess',
  'skico-jwt': 'created by hand or by External Secrets in production (see the prod overlay)',
};

const image = 'ghcr.io/skico/skico';
const httpServices = processes;
const cpuScaled = ['gateway', 'resort', 'skier', 'lift-ride'];
const liftRideDefaults = liftRideConfigSchema.parse({});
const shutdownGraceMs = processFields().SHUTDOWN_GRACE_MS.parse(undefined);

function deployment(objects: K8sObject[], name: string): IDeployment {
  return named<IDeployment>(objects, 'Deployment', name);
}

function appContainer(objects: K8sObject[], spec: ProcessSpec): IContainer {
  const containers = deployment(objects, spec.name).spec?.template.spec?.containers ?? [];
  expect(containers.map((c) => c.name)).toEqual([spec.name]);
  return containers[0] as IContainer;
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) {
  return Object.keys(selector ?? {}).length > 0 && Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

function podLabels(objects: K8sObject[], name: string) {
  return deployment(objects, name).spec?.template.metadata?.labels;
}

/** The container port a Service or probe port (a name or a number) reaches. */
function containerPort(container: IContainer, port: string | number | undefined): number | undefined {
  if (typeof port === 'number') return container.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return container.ports?.find((p) => p.name === port)?.containerPort;
}

/** processEnv() inside the cluster: infrastructure and processes are reached by their Services' names. */
function expectedEnv(objects: K8sObject[], spec: ProcessSpec, k: Kustomization): Record<string, string> {
  const postgres = ofKind(objects, 'Cluster')[0]?.metadata.name;
  const rabbitmq = ofKind(objects, 'RabbitmqCluster')[0]?.metadata.name;
  const redis = named<IService>(objects, 'Service', 'redis');
  const user = ofKind<{ spec: { importCredentialsSecret: { name: string } } }>(objects, 'User')[0];
  const credentials = entriesOf(named(objects, 'Secret', user?.spec.importCredentialsSecret.name ?? ''));
  const inCluster: StackSettings = {
    ...defaultSettings,
    host: '0.0.0.0',
    // CloudNativePG's Service of the primary is <cluster>-rw; the RabbitMQ operator's client Service is <cluster>.
    postgres: `${postgres}-rw:5432`,
    redisUrl: `redis://${redis.metadata?.name}:${redis.spec?.ports?.[0]?.port}`,
    amqpUrl: `amqp://${credentials.username}:${credentials.password}@${rabbitmq}:5672`,
  };
  const byPort = new Map(processes.map((p) => [String(p.defaultPort), p.name]));
  const env = Object.fromEntries(
    Object.entries(processEnv(spec, inCluster)).map(([key, value]) => [
      key,
      value.replace(/^http:\/\/0\.0\.0\.0:(\d+)$/, (_, port: string) => `http://${byPort.get(port)}:${port}`),
    ]),
  );
  return { ...env, ...k.extraEnv.all };
}

describe.each(kustomizations)('kustomization $dir', (k) => {
  const build = () => buildKustomization(k.dir);

  it('when kustomize builds it, then every resource is valid against its schema or CRD checks', () => {
    const objects = build();
    expect(objects.length).toBeGreaterThan(0);
    expect(objects.flatMap(validateResource)).toEqual([]);
    // Operator resources are checked by hand; say which, so that a new kind cannot slip through unnoticed.
    const handChecked = [...new Set(objects.filter((o) => validationOf(o) === 'crd-checks').map((o) => o.kind))];
    expect(handChecked.sort()).toEqual([
      'Binding',
      'Cluster',
      'Exchange',
      'Permission',
      'Queue',
      'RabbitmqCluster',
      'User',
    ]);
  });

  it('when a resource names a ConfigMap or Secret, then it is in the build or made outside it on purpose', () => {
    const objects = build();
    const refs = podSpecs(objects).flatMap(({ owner, spec }) => podReferences(spec, owner));
    for (const auth of ofKind<ITriggerAuthentication>(objects, 'TriggerAuthentication')) {
      for (const ref of auth.spec.secretTargetRef ?? []) {
        refs.push({
          kind: 'Secret',
          name: ref.name,
          key: ref.key,
          from: `TriggerAuthentication ${auth.metadata?.name}`,
        });
      }
    }
    for (const user of ofKind<{ metadata: { name: string }; spec: { importCredentialsSecret?: { name: string } } }>(
      objects,
      'User',
    )) {
      const name = user.spec.importCredentialsSecret?.name;
      if (name) refs.push({ kind: 'Secret', name, key: 'password', from: `User ${user.metadata.name}` });
    }
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const found = objects.find((o) => o.kind === ref.kind && o.metadata.name === ref.name);
      if (!found) {
        expect(external, `${ref.from} names ${ref.kind} ${ref.name}`).toHaveProperty([ref.name]);
        continue;
      }
      if (ref.key) expect(Object.keys(entriesOf(found)), `${ref.from}: key ${ref.key}`).toContain(ref.key);
    }
  });

  it('when it is applied, then every resource lands in the namespace of the overlay', () => {
    const objects = build();
    const namespaced = objects.filter((o) => o.kind !== 'Namespace');
    if (!k.namespace) {
      expect(namespaced.filter((o) => o.metadata.namespace)).toEqual([]);
      return;
    }
    expect(ofKind(objects, 'Namespace').map((o) => o.metadata.name)).toEqual([k.namespace]);
    for (const o of namespaced) expect(o.metadata.namespace, `${o.kind} ${o.metadata.name}`).toBe(k.namespace);
  });

  it('when a container is pulled, then its image is pinned to a version tag', () => {
    for (const { owner, spec } of podSpecs(build())) {
      for (const c of spec.containers) {
        const tag = /:([^/:@]+)$/.exec(c.image ?? '')?.[1];
        expect(tag, `${owner} image ${c.image}`).toMatch(/\d/);
        expect(tag, `${owner} image ${c.image}`).not.toMatch(/latest/);
      }
    }
    for (const o of build().filter((x) => ['RabbitmqCluster', 'Cluster'].includes(x.kind))) {
      const spec = o.spec as { image?: string; imageName?: string };
      expect(spec.image ?? spec.imageName, `${o.kind} ${o.metadata.name}`).toMatch(/:\d+\.\d+/);
    }
  });

  it('when a pod runs, then it has requests and limits and runs as a non-root user without privileges', () => {
    for (const { owner, spec } of podSpecs(build())) {
      expect(spec.securityContext?.runAsNonRoot, owner).toBe(true);
      expect(spec.securityContext?.runAsUser ?? 0, `${owner}: a numeric user the kubelet can check`).toBeGreaterThan(0);
      for (const c of spec.containers) {
        const { requests = {}, limits = {} } = c.resources ?? {};
        for (const resource of ['cpu', 'memory']) {
          expect(requests[resource], `${owner} ${c.name} requests ${resource}`).toBeDefined();
          expect(limits[resource], `${owner} ${c.name} limits ${resource}`).toBeDefined();
          expect(quantity(requests[resource]), `${owner} ${c.name} ${resource}`).toBeLessThanOrEqual(
            quantity(limits[resource]),
          );
        }
        expect(c.securityContext?.allowPrivilegeEscalation, `${owner} ${c.name}`).toBe(false);
        expect(c.securityContext?.capabilities?.drop, `${owner} ${c.name}`).toContain('ALL');
      }
    }
  });

  describe.each(processes)('process $name', (spec) => {
    it('when it starts, then it runs the compiled entry of the process table from its service folder in the image', () => {
      const c = appContainer(build(), spec);
      expect(c.workingDir).toBe(`/app/${spec.dir}`);
      expect(c.command).toEqual(['node', spec.built]);
      expect(existsSync(join(repoRoot, spec.dir, spec.entry))).toBe(true);
      expect(c.image).toMatch(new RegExp(`^${image}:[\\w.-]+$`));
    });

    it('when it gets its environment, then it has exactly the variables of processEnv() and the overlay', () => {
      const env = containerEnv(build(), appContainer(build(), spec));
      const extra = k.extraEnv.byProcess[spec.name] ?? [];
      const expected = expectedEnv(build(), spec, k);
      expect(Object.keys(env).sort()).toEqual([...Object.keys(expected), ...extra].sort());
      expect(Object.fromEntries(Object.entries(env).filter(([key]) => !extra.includes(key)))).toEqual(expected);
      expect(env[spec.portVar]).toBe(String(spec.defaultPort));
    });

    it('when it gets passwords, then they come from a Secret, never from a ConfigMap or a literal', () => {
      const objects = build();
      const c = appContainer(objects, spec);
      const configMaps = (c.envFrom ?? []).flatMap((s) =>
        s.configMapRef ? Object.keys(entriesOf(named(objects, 'ConfigMap', s.configMapRef.name ?? ''))) : [],
      );
      const literals = (c.env ?? []).filter((e) => e.value !== undefined).map((e) => e.name);
      for (const key of [...configMaps, ...literals]) expect(key).not.toMatch(/DATABASE_URL|AMQP_URL|SECRET|PASSWORD/);
      const env = containerEnv(objects, c);
      for (const [key, value] of Object.entries(env)) {
        if (/^[a-z]+:\/\/[^/@]+:[^/@]+@/.test(value))
          expect(configMaps, `${key} carries a password`).not.toContain(key);
      }
    });

    it('when it is probed, then liveness and readiness hit /health/live and /health/ready on its table port', () => {
      const c = appContainer(build(), spec);
      const ops = opsListeners[spec.name];
      expect(c.ports?.map((p) => p.containerPort)).toEqual(
        ops ? [spec.defaultPort, ops.defaultPort] : [spec.defaultPort],
      );
      expect(c.livenessProbe?.httpGet?.path).toBe('/health/live');
      expect(c.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(containerPort(c, c.livenessProbe?.httpGet?.port)).toBe(spec.defaultPort);
      expect(containerPort(c, c.readinessProbe?.httpGet?.port)).toBe(spec.defaultPort);
      if (c.startupProbe) expect(containerPort(c, c.startupProbe.httpGet?.port)).toBe(spec.defaultPort);
    });

    it('when it is stopped, then the grace period outlasts SHUTDOWN_GRACE_MS and the preStop pause', () => {
      const pod = deployment(build(), spec.name).spec?.template.spec;
      const c = appContainer(build(), spec);
      const preStop = Number(c.lifecycle?.preStop?.exec?.command?.join(' ').match(/^sleep (\d+)$/)?.[1] ?? 0);
      expect(pod?.terminationGracePeriodSeconds ?? 30).toBeGreaterThan(shutdownGraceMs / 1000 + preStop);
      // Service links would set RESORT_PORT=tcp://… and the like, which the config schemas read as ports.
      expect(pod?.enableServiceLinks).toBe(false);
    });

    it('when it is reached, then a Service selects its pods on its table port', () => {
      const objects = build();
      const c = appContainer(objects, spec);
      const services = ofKind<IService>(objects, 'Service').filter((s) =>
        selects(s.spec?.selector, podLabels(objects, spec.name)),
      );
      expect(services.map((s) => s.metadata?.name)).toEqual([spec.name]);
      const [service] = services;
      const port = service?.spec?.ports?.[0];
      expect(containerPort(c, port?.targetPort)).toBe(spec.defaultPort);
      // The internal listener (metrics, /health/deps, the status page) is reached by no Service.
      expect(service?.spec?.ports?.map((p) => containerPort(c, p.targetPort))).toEqual([spec.defaultPort]);
      if (spec.public) {
        expect(service?.spec?.type).toBe('LoadBalancer');
      } else {
        // The other processes call it at http://<name>:<table port>, as processEnv() says.
        expect(port?.port).toBe(spec.defaultPort);
        expect(service?.spec?.type ?? 'ClusterIP').toBe('ClusterIP');
      }
    });

    it('when nodes are drained, then a PodDisruptionBudget keeps it running', () => {
      const objects = build();
      const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((b) =>
        selects(b.spec?.selector?.matchLabels, podLabels(objects, spec.name)),
      );
      expect(budgets).toHaveLength(1);
      // maxUnavailable, not minAvailable: a single replica (dev) must not block a drain forever.
      expect(budgets[0]?.spec?.maxUnavailable).toBe(1);
    });

    it('when load grows, then it is autoscaled: the APIs on CPU, the worker on queue length', () => {
      const objects = build();
      const hpas = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').filter(
        (h) => h.spec?.scaleTargetRef.kind === 'Deployment' && h.spec.scaleTargetRef.name === spec.name,
      );
      const scaled = ofKind<IScaledObject>(objects, 'ScaledObject').filter(
        (s) => s.spec?.scaleTargetRef.name === spec.name,
      );
      if (cpuScaled.includes(spec.name)) {
        expect(scaled).toEqual([]);
        expect(hpas).toHaveLength(1);
        const hpa = hpas[0]?.spec;
        expect(hpa?.metrics?.map((m) => m.resource?.name)).toEqual(['cpu']);
        expect(hpa?.metrics?.[0]?.resource?.target.type).toBe('Utilization');
        expect(hpa?.minReplicas ?? 1).toBeLessThanOrEqual(hpa?.maxReplicas ?? 0);
        expect(hpa?.maxReplicas ?? 0).toBeGreaterThan(1);
      } else {
        // An HPA of its own would fight the one KEDA makes.
        expect(hpas).toEqual([]);
        expect(scaled).toHaveLength(1);
      }
    });
  });

  it('when the worker is scaled, then KEDA counts ready and unacknowledged messages of the persist queue through the management API of the worker’s own broker', () => {
    const objects = build();
    const worker = processes.find((p) => p.name === 'lift-ride-worker') as ProcessSpec;
    const env = containerEnv(objects, appContainer(objects, worker));
    const scaled = named<IScaledObject>(objects, 'ScaledObject', worker.name).spec;
    expect(scaled?.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: worker.name });
    expect(scaled?.minReplicaCount ?? 0).toBeGreaterThanOrEqual(1);
    expect(scaled?.maxReplicaCount ?? 0).toBeGreaterThanOrEqual(scaled?.minReplicaCount ?? 0);
    const [trigger, ...others] = scaled?.triggers ?? [];
    expect(others).toEqual([]);
    expect(trigger?.type).toBe('rabbitmq');
    // Over AMQP the scaler sees only ready messages: workers holding unacknowledged batches would be scaled
    // down mid-batch and their messages loop back to the queue. Over HTTP, QueueLength is ready + unacked.
    expect(trigger?.metadata).toMatchObject({
      protocol: 'http',
      queueName: liftRideTopology(env.NAMESPACE).queue,
      mode: 'QueueLength',
    });
    expect(trigger?.metadata.excludeUnacknowledged ?? 'false').toBe('false');
    expect(Number(trigger?.metadata.value)).toBeGreaterThan(0);
    const auth = named<ITriggerAuthentication>(
      objects,
      'TriggerAuthentication',
      trigger?.authenticationRef?.name ?? '',
    );
    const host = auth.spec.secretTargetRef?.find((r) => r.parameter === 'host');
    const management = new URL(entriesOf(named(objects, 'Secret', host?.name ?? ''))[host?.key ?? ''] ?? '');
    const amqp = new URL((env.AMQP_URL ?? '').split(',')[0] ?? '');
    expect(management.protocol).toBe('http:');
    expect(management.port).toBe('15672');
    expect([management.hostname, management.username, management.password]).toEqual([
      amqp.hostname,
      amqp.username,
      amqp.password,
    ]);
    // The management API answers only users with a management tag.
    const user = objects.find((o) => o.kind === 'User' && o.metadata?.name === amqp.username) as
      | { spec?: { tags?: string[] } }
      | undefined;
    expect(user?.spec?.tags ?? []).toContain('management');
  });

  it('when the queue empties, then KEDA keeps the workers longer than a batch takes and drains them gracefully', () => {
    const objects = build();
    const worker = processes.find((p) => p.name === 'lift-ride-worker') as ProcessSpec;
    const scaled = named<IScaledObject>(objects, 'ScaledObject', worker.name).spec;
    const pod = deployment(objects, worker.name).spec?.template.spec;
    // A batch in flight is bounded by the worker's drain on SIGTERM (SHUTDOWN_GRACE_MS), which the pod's grace
    // period outlasts. Between 1 and N replicas KEDA's cooldownPeriod does not apply: the HPA's scale-down
    // stabilization window does.
    const grace = pod?.terminationGracePeriodSeconds ?? 30;
    expect(grace).toBeGreaterThan(shutdownGraceMs / 1000);
    expect(scaled?.cooldownPeriod ?? 300).toBeGreaterThan(grace);
    const scaleDown = scaled?.advanced?.horizontalPodAutoscalerConfig?.behavior?.scaleDown;
    expect(scaleDown?.stabilizationWindowSeconds ?? 0).toBeGreaterThan(grace);
  });

  it('when the broker topology is declared, then the persist queue has exactly the arguments the services assert', () => {
    const objects = build();
    const limits = {
      deliveryLimit: liftRideDefaults.QUEUE_DELIVERY_LIMIT,
      maxLength: liftRideDefaults.QUEUE_MAX_LENGTH,
    };
    expect(limits).toEqual({ deliveryLimit: 5, maxLength: 1_000_000 });
    const worker = processes.find((p) => p.name === 'lift-ride-worker') as ProcessSpec;
    const topology = liftRideTopology(containerEnv(objects, appContainer(objects, worker)).NAMESPACE);
    type Spec = { name: string; type?: string; durable?: boolean; arguments?: Record<string, unknown> };
    const queues = new Map(ofKind<{ spec: Spec }>(objects, 'Queue').map((q) => [q.spec.name, q.spec]));
    const persist = queues.get(topology.queue);
    expect(persist?.arguments).toEqual(persistQueueArguments(topology, limits));
    expect(persist).toMatchObject({ type: 'quorum', durable: true });
    expect(queues.get(topology.deadQueue)).toMatchObject({
      type: 'quorum',
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
    const exchanges = new Map(ofKind<{ spec: Spec }>(objects, 'Exchange').map((e) => [e.spec.name, e.spec]));
    for (const name of [topology.exchange, topology.deadExchange]) {
      expect(exchanges.get(name), name).toMatchObject({ type: 'direct', durable: true });
    }
    const bindings = ofKind<{ spec: Record<string, string> }>(objects, 'Binding').map((b) => b.spec);
    expect(bindings).toContainEqual(
      expect.objectContaining({
        source: topology.exchange,
        destination: topology.queue,
        routingKey: topology.routingKey,
      }),
    );
    expect(bindings).toContainEqual(
      expect.objectContaining({
        source: topology.deadExchange,
        destination: topology.deadQueue,
        routingKey: topology.routingKey,
      }),
    );
    const clusters = ofKind(objects, 'RabbitmqCluster').map((c) => c.metadata.name);
    for (const o of objects.filter((x) => x.apiVersion === 'rabbitmq.com/v1beta1' && x.kind !== 'RabbitmqCluster')) {
      const ref = (o.spec as { rabbitmqClusterReference: { name: string } }).rabbitmqClusterReference.name;
      expect(clusters, `${o.kind} ${o.metadata.name}`).toContain(ref);
    }
  });

  it('when the migrations run, then the Job sets up the database on the primary that the services use', () => {
    const objects = build();
    const job = named<IJob>(objects, 'Job', 'migrate').spec?.template.spec;
    const [c] = job?.containers ?? [];
    expect(c?.workingDir).toBe('/app');
    const { dir, entry, built } = commands.dbSetup;
    expect(c?.command).toEqual(['node', `${dir}/${built}`]);
    expect(existsSync(join(repoRoot, dir, entry))).toBe(true);
    expect(c?.image).toMatch(new RegExp(`^${image}:`));
    expect(job?.restartPolicy).toBe('OnFailure');
    const env = containerEnv(objects, c as IContainer);
    const admin = new URL(env.ADMIN_DATABASE_URL ?? '');
    expect(admin.username).toBe('postgres-superuser.username');
    expect(admin.password).toBe('postgres-superuser.password');
    expect(env.SKICO_DATABASE).toBe(defaultSettings.database);
    // db-setup creates the roles on the admin URL's host: the host of every DATABASE_URL.
    const resort = processes.find((p) => p.name === 'resort') as ProcessSpec;
    const database = new URL(containerEnv(objects, appContainer(objects, resort)).DATABASE_URL ?? '');
    expect(admin.host).toBe(database.host);
    expect(database.pathname).toBe(`/${env.SKICO_DATABASE}`);
  });

  it('when the query side reads, then it reads the replicas outside dev and the primary in dev, as the same role', () => {
    const objects = build();
    for (const name of ['lift-ride', 'skier']) {
      const spec = processes.find((p) => p.name === name) as ProcessSpec;
      const env = containerEnv(objects, appContainer(objects, spec));
      const primary = new URL(env.DATABASE_URL ?? '');
      const read = new URL(env.DATABASE_READ_URL ?? '');
      expect(read.hostname, name).toBe(k === dev ? 'postgres-rw' : 'postgres-ro');
      expect([read.username, read.password, read.port, read.pathname]).toEqual([
        primary.username,
        primary.password,
        primary.port,
        primary.pathname,
      ]);
    }
  });

  it('when the data services run, then Postgres has a read replica and RabbitMQ three nodes outside dev', () => {
    const objects = build();
    const postgres = ofKind<{ spec: { instances: number; enableSuperuserAccess?: boolean } }>(objects, 'Cluster');
    const rabbitmq = ofKind<{ spec: { replicas: number } }>(objects, 'RabbitmqCluster');
    expect(postgres).toHaveLength(1);
    expect(rabbitmq).toHaveLength(1);
    expect(postgres[0]?.spec.enableSuperuserAccess).toBe(true);
    expect(postgres[0]?.spec.instances).toBe(k === dev ? 1 : 2);
    expect(rabbitmq[0]?.spec.replicas).toBe(k === dev ? 1 : 3);
    expect(ofKind(objects, 'StatefulSet').map((s) => s.metadata.name)).toEqual(['redis']);
  });
});

describe('overlays', () => {
  const replicas = (objects: K8sObject[]) =>
    Object.fromEntries(processes.map((p) => [p.name, deployment(objects, p.name).spec?.replicas ?? 1]));
  /** [min, max] replicas of every autoscaler, by name. */
  const bounds = (objects: K8sObject[]): Record<string, [number, number]> =>
    Object.fromEntries([
      ...ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler').map((h) => [
        h.metadata?.name,
        [h.spec?.minReplicas ?? 1, h.spec?.maxReplicas ?? 0],
      ]),
      ...ofKind<IScaledObject>(objects, 'ScaledObject').map((s) => [
        s.metadata?.name,
        [s.spec?.minReplicaCount ?? 0, s.spec?.maxReplicaCount ?? 100],
      ]),
    ]);
  const requests = (objects: K8sObject[], name: string) => {
    const r = deployment(objects, name).spec?.template.spec?.containers[0]?.resources?.requests ?? {};
    return { cpu: quantity(r.cpu), memory: quantity(r.memory) };
  };

  it('when dev is built, then every process runs once with smaller requests than the base', () => {
    const objects = buildKustomization(dev.dir);
    expect(Object.values(replicas(objects))).toEqual(processes.map(() => 1));
    for (const [name, [min, max]] of Object.entries(bounds(objects))) {
      expect(min, name).toBe(1);
      expect(max, name).toBeGreaterThanOrEqual(1);
    }
    for (const p of processes) {
      const [small, normal] = [requests(objects, p.name), requests(buildKustomization(base.dir), p.name)];
      expect(small.cpu, p.name).toBeLessThan(normal.cpu);
      expect(small.memory, p.name).toBeLessThan(normal.memory);
    }
  });

  it('when prod is built, then it runs more replicas with higher autoscaling bounds than the base', () => {
    const objects = buildKustomization(prod.dir);
    const baseObjects = buildKustomization(base.dir);
    const [more, fewer] = [replicas(objects), replicas(baseObjects)];
    for (const p of processes) expect(more[p.name], p.name).toBeGreaterThan(fewer[p.name] ?? 0);
    const [high, low] = [bounds(objects), bounds(baseObjects)];
    expect(Object.keys(high).sort()).toEqual(Object.keys(low).sort());
    for (const [name, [min, max]] of Object.entries(high)) {
      expect(min, `${name} min`).toBeGreaterThan(low[name]?.[0] ?? 0);
      expect(max, `${name} max`).toBeGreaterThan(low[name]?.[1] ?? 0);
    }
  });

  it('when prod runs, then every process is in production mode and the gateway signs with a Secret of its own', () => {
    const objects = buildKustomization(prod.dir);
    for (const p of processes) {
      expect(containerEnv(objects, appContainer(objects, p)).NODE_ENV, p.name).toBe('production');
    }
    const gateway = processes.find((p) => p.public) as ProcessSpec;
    const jwt = appContainer(objects, gateway).env?.find((e) => e.name === 'JWT_SECRET');
    expect(jwt?.valueFrom?.secretKeyRef).toEqual({ name: 'skico-jwt', key: 'JWT_SECRET' });
    const apiKeys = appContainer(objects, gateway).env?.find((e) => e.name === 'API_KEY_SECRET');
    expect(apiKeys?.valueFrom?.secretKeyRef).toEqual({ name: 'skico-jwt', key: 'API_KEY_SECRET' });
    expect(objects.some((o) => o.kind === 'Secret' && o.metadata.name === 'skico-jwt')).toBe(false);
  });

  it('when a process is served over HTTP, then it is in the process table', () => {
    // Guards the table itself: every HTTP process has a Deployment and nothing else pretends to be one.
    const objects = buildKustomization(base.dir);
    const apps = ofKind<IDeployment>(objects, 'Deployment').map((d) => d.metadata?.name);
    expect(apps.sort()).toEqual(httpServices.map((p) => p.name).sort());
  });
});
