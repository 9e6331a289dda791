import { type IScaledObject, ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import {
  type ITriggerAuthentication,
  TriggerAuthentication,
} from '@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { type IStatefulSet, StatefulSet } from 'kubernetes-models/apps/v1/StatefulSet';
import {
  HorizontalPodAutoscaler,
  type IHorizontalPodAutoscaler,
} from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { type IJob, Job } from 'kubernetes-models/batch/v1/Job';
import { type IPodDisruptionBudget, PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { type INamespace, Namespace } from 'kubernetes-models/v1/Namespace';
import { type IResourceRequirements, ResourceRequirements } from 'kubernetes-models/v1/ResourceRequirements';
import { type ISecret, Secret } from 'kubernetes-models/v1/Secret';
import { type IService, Service } from 'kubernetes-models/v1/Service';
import type { K8sObject } from './k8s-manifests.ts';

// Schema checks of built resources. Built-in kinds and KEDA's are validated against the OpenAPI schemas that
// kubernetes-models and @kubernetes-models/keda ship (generated from Kubernetes and from KEDA's CRDs). Those
// schemas, like the API server's, accept fields they do not know: typos in field names are caught by the
// consistency tests, which read every field they check by its real name. The RabbitMQ operators' and
// CloudNativePG's CRD schemas are not bundled in any package: their resources get the hand-written checks
// below (apiVersion, kind, required fields, types, enums, and the field names known to exist in the CRDs).

type Check = (object: K8sObject) => string[];

function model<T>(Model: new (data: T) => { validate(): void }): Check {
  return (object) => {
    try {
      new Model(object as T).validate();
      return [];
    } catch (err) {
      return [(err as Error).message];
    }
  };
}

type Json = Record<string, unknown>;

function at(object: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((o, key) => (o && typeof o === 'object' ? (o as Json)[key] : undefined), object);
}

/** A small checker of one object's fields: each call adds a message when the field is wrong. */
function fields(object: K8sObject) {
  const errors: string[] = [];
  const where = (path: string) => `${object.kind} ${object.metadata.name}: ${path}`;
  const typeOf = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  const api = {
    errors,
    is(path: string, type: 'string' | 'number' | 'boolean' | 'object' | 'array', required = false) {
      const value = at(object, path);
      if (value === undefined) {
        if (required) errors.push(`${where(path)} is required`);
      } else if (typeOf(value) !== type) {
        errors.push(`${where(path)} must be ${type}, is ${typeOf(value)}`);
      }
      return api;
    },
    integer(path: string, min: number, required = false) {
      const value = at(object, path);
      if (value === undefined && !required) return api;
      if (!Number.isInteger(value) || (value as number) < min)
        errors.push(`${where(path)} must be an integer >= ${min}`);
      return api;
    },
    oneOf(path: string, allowed: string[], required = false) {
      const value = at(object, path);
      if (value === undefined && !required) return api;
      if (!allowed.includes(value as string)) errors.push(`${where(path)} must be one of ${allowed.join(', ')}`);
      return api;
    },
    quantity(path: string, required = false) {
      const value = at(object, path);
      if (value === undefined && !required) return api;
      if (typeof value !== 'string' || !/^\d+(\.\d+)?(m|k|M|G|T|Ki|Mi|Gi|Ti)?$/.test(value)) {
        errors.push(`${where(path)} must be a quantity string`);
      }
      return api;
    },
    /** No field outside the ones the CRD defines at this path. */
    known(path: string, allowed: string[]) {
      const value = path === '' ? object : at(object, path);
      if (value && typeof value === 'object') {
        for (const key of Object.keys(value)) {
          if (!allowed.includes(key)) errors.push(`${where(path ? `${path}.${key}` : key)} is not a field of the CRD`);
        }
      }
      return api;
    },
    resources(path: string) {
      const value = at(object, path);
      if (value === undefined) return api;
      try {
        new ResourceRequirements(value as IResourceRequirements).validate();
      } catch (err) {
        errors.push(`${where(path)}: ${(err as Error).message}`);
      }
      return api;
    },
    clusterReference(path = 'spec.rabbitmqClusterReference') {
      return api
        .is(path, 'object', true)
        .is(`${path}.name`, 'string', true)
        .known(path, ['name', 'namespace', 'connectionSecret']);
    },
  };
  return api;
}

const topLevel = ['apiVersion', 'kind', 'metadata', 'spec'];

// Field names from the operators' Go API types (rabbitmq/cluster-operator api/v1beta1, rabbitmq/messaging-
// topology-operator api/v1beta1, cloudnative-pg api/v1), the ones this repository may use.
const rabbitmqChecks: Record<string, Check> = {
  RabbitmqCluster: (o) =>
    fields(o)
      .known('', topLevel)
      .known('spec', [
        'replicas',
        'image',
        'imagePullSecrets',
        'service',
        'persistence',
        'resources',
        'affinity',
        'tolerations',
        'rabbitmq',
        'tls',
        'override',
        'skipPostDeploySteps',
        'terminationGracePeriodSeconds',
        'delayStartSeconds',
        'secretBackend',
      ])
      .integer('spec.replicas', 0)
      .is('spec.image', 'string')
      .resources('spec.resources')
      .known('spec.persistence', ['storageClassName', 'storage'])
      .quantity('spec.persistence.storage')
      .known('spec.rabbitmq', [
        'additionalPlugins',
        'additionalConfig',
        'advancedConfig',
        'envConfig',
        'erlangInetConfig',
      ])
      .is('spec.rabbitmq.additionalConfig', 'string').errors,
  Queue: (o) =>
    fields(o)
      .known('', topLevel)
      .known('spec', [
        'name',
        'vhost',
        'type',
        'durable',
        'autoDelete',
        'arguments',
        'rabbitmqClusterReference',
        'deleteIfEmpty',
        'deleteIfUnused',
        'deletionPolicy',
      ])
      .is('spec.name', 'string', true)
      .is('spec.vhost', 'string')
      .oneOf('spec.type', ['quorum', 'classic', 'stream'])
      .is('spec.durable', 'boolean')
      .is('spec.autoDelete', 'boolean')
      .is('spec.arguments', 'object')
      .clusterReference().errors,
  Exchange: (o) =>
    fields(o)
      .known('', topLevel)
      .known('spec', [
        'name',
        'vhost',
        'type',
        'durable',
        'autoDelete',
        'arguments',
        'rabbitmqClusterReference',
        'deletionPolicy',
      ])
      .is('spec.name', 'string', true)
      .is('spec.vhost', 'string')
      .oneOf('spec.type', ['direct', 'fanout', 'topic', 'headers'])
      .is('spec.durable', 'boolean')
      .is('spec.autoDelete', 'boolean')
      .is('spec.arguments', 'object')
      .clusterReference().errors,
  Binding: (o) =>
    fields(o)
      .known('', topLevel)
      .known('spec', [
        'vhost',
        'source',
        'destination',
        'destinationType',
        'routingKey',
        'arguments',
        'rabbitmqClusterReference',
      ])
      .is('spec.source', 'string')
      .is('spec.destination', 'string')
      .oneOf('spec.destinationType', ['exchange', 'queue'])
      .is('spec.routingKey', 'string')
      .clusterReference().errors,
  User: (o) => {
    const check = fields(o)
      .known('', topLevel)
      .known('spec', ['tags', 'rabbitmqClusterReference', 'importCredentialsSecret'])
      .is('spec.tags', 'array')
      .is('spec.importCredentialsSecret.name', 'string')
      .clusterReference();
    for (const [i, tag] of ((at(o, 'spec.tags') as unknown[]) ?? []).entries()) {
      if (!['management', 'policymaker', 'monitoring', 'administrator'].includes(tag as string)) {
        check.errors.push(`User ${o.metadata.name}: spec.tags.${i} is not a user tag`);
      }
    }
    return check.errors;
  },
  Permission: (o) => {
    const check = fields(o)
      .known('', topLevel)
      .known('spec', ['user', 'userReference', 'vhost', 'permissions', 'rabbitmqClusterReference'])
      .is('spec.vhost', 'string', true)
      .is('spec.permissions', 'object', true)
      .known('spec.permissions', ['configure', 'write', 'read'])
      .is('spec.user', 'string')
      .is('spec.userReference.name', 'string')
      .clusterReference();
    if (at(o, 'spec.user') === undefined && at(o, 'spec.userReference') === undefined) {
      check.errors.push(`Permission ${o.metadata.name}: spec.user or spec.userReference is required`);
    }
    return check.errors;
  },
};

const cnpgCluster: Check = (o) => {
  const check = fields(o)
    .known('', topLevel)
    .known('spec', [
      'instances',
      'imageName',
      'primaryUpdateStrategy',
      'primaryUpdateMethod',
      'enableSuperuserAccess',
      'superuserSecret',
      'bootstrap',
      'postgresql',
      'storage',
      'walStorage',
      'resources',
      'affinity',
      'monitoring',
      'backup',
      'description',
      'minSyncReplicas',
      'maxSyncReplicas',
      'managed',
      'replica',
      'topologySpreadConstraints',
    ])
    .integer('spec.instances', 1, true)
    .is('spec.imageName', 'string')
    .oneOf('spec.primaryUpdateStrategy', ['unsupervised', 'supervised'])
    .is('spec.enableSuperuserAccess', 'boolean')
    .known('spec.bootstrap', ['initdb', 'recovery', 'pg_basebackup'])
    .is('spec.bootstrap.initdb.database', 'string')
    .is('spec.bootstrap.initdb.owner', 'string')
    .known('spec.postgresql', ['parameters', 'pg_hba', 'pg_ident', 'shared_preload_libraries', 'synchronous'])
    .is('spec.storage', 'object', true)
    .quantity('spec.storage.size', true)
    .resources('spec.resources')
    .known('spec.affinity', [
      'enablePodAntiAffinity',
      'topologyKey',
      'nodeSelector',
      'nodeAffinity',
      'tolerations',
      'podAntiAffinityType',
      'additionalPodAntiAffinity',
      'additionalPodAffinity',
    ]);
  // The CRD types parameters as map[string]string: `max_connections: 300` would be refused.
  for (const [key, value] of Object.entries((at(o, 'spec.postgresql.parameters') as Json) ?? {})) {
    if (typeof value !== 'string') check.errors.push(`Cluster ${o.metadata.name}: parameter ${key} must be a string`);
  }
  if (
    (at(o, 'spec.bootstrap.initdb.database') === undefined) !==
    (at(o, 'spec.bootstrap.initdb.owner') === undefined)
  ) {
    check.errors.push(`Cluster ${o.metadata.name}: initdb database and owner go together`);
  }
  return check.errors;
};

const checks: Record<string, Check> = {
  'v1/ConfigMap': model<IConfigMap>(ConfigMap),
  // kustomize wraps long base64 values over lines, which the API server's decoder skips but the schema's
  // `byte` format does not.
  'v1/Secret': (o) =>
    model<ISecret>(Secret)({
      ...o,
      data: Object.fromEntries(
        Object.entries((o.data ?? {}) as Json).map(([k, v]) => [k, String(v).replace(/\s/g, '')]),
      ),
    }),
  'v1/Service': model<IService>(Service),
  'v1/Namespace': model<INamespace>(Namespace),
  'apps/v1/Deployment': model<IDeployment>(Deployment),
  'apps/v1/StatefulSet': model<IStatefulSet>(StatefulSet),
  'batch/v1/Job': model<IJob>(Job),
  'policy/v1/PodDisruptionBudget': model<IPodDisruptionBudget>(PodDisruptionBudget),
  'autoscaling/v2/HorizontalPodAutoscaler': model<IHorizontalPodAutoscaler>(HorizontalPodAutoscaler),
  'keda.sh/v1alpha1/ScaledObject': model<IScaledObject>(ScaledObject),
  'keda.sh/v1alpha1/TriggerAuthentication': model<ITriggerAuthentication>(TriggerAuthentication),
  'postgresql.cnpg.io/v1/Cluster': cnpgCluster,
  ...Object.fromEntries(Object.entries(rabbitmqChecks).map(([kind, check]) => [`rabbitmq.com/v1beta1/${kind}`, check])),
};

/** What a resource of this apiVersion and kind is validated against. */
export function validationOf(object: K8sObject): 'schema' | 'crd-checks' | undefined {
  const key = `${object.apiVersion}/${object.kind}`;
  if (!(key in checks)) return undefined;
  return key.startsWith('rabbitmq.com/') || key.startsWith('postgresql.cnpg.io/') ? 'crd-checks' : 'schema';
}

/** The problems of one resource; an apiVersion/kind without a schema or checks here is one. */
export function validateResource(object: K8sObject): string[] {
  const check = checks[`${object.apiVersion}/${object.kind}`];
  if (!check)
    return [`${object.apiVersion} ${object.kind} ${object.metadata?.name}: no schema or checks for this kind`];
  const errors = check(object).map((e) =>
    e.startsWith(object.kind) ? e : `${object.kind} ${object.metadata.name}: ${e}`,
  );
  // DNS-1123: resource names; Services are DNS-1035 labels (they become DNS names).
  const name = object.metadata?.name ?? '';
  const pattern =
    object.kind === 'Service' ? /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/ : /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
  if (!pattern.test(name)) errors.push(`${object.kind} ${name}: not a valid name`);
  return errors;
}
