export { DEFAULT_BUDGET_MS, requestBudget } from './budget.ts';
export { createHttpApp, type HttpApp, type HttpAppOptions, problemWriter } from './create-app.ts';
export {
  type DirectHandler,
  type DirectMatch,
  type DirectRequest,
  type DirectRoutes,
  directOperations,
} from './direct.ts';
export { type HealthChecks, healthRouter } from './health.ts';
export {
  breakerState,
  type DependencyState,
  type GuardedDependency,
  healthDepsRouter,
  overallStatus,
} from './health-deps.ts';
export { createLifecycle, handleProcessSignals, type Lifecycle } from './lifecycle.ts';
export { createLoadShedder, type LoadShedder, type SheddingOptions } from './load-shedding.ts';
export {
  Counter,
  createMetricsRegistry,
  Gauge,
  Histogram,
  type InstrumentedBreaker,
  instrumentBreakers,
  metricsRouter,
  type Registry,
  redMetrics,
  routeLabel,
} from './metrics.ts';
export { normalizeError, type Problem, statusOf, toProblem } from './problem.ts';
export {
  baseUrlList,
  createReplicas,
  type Replica,
  type ReplicaBreaker,
  type Replicas,
  type ReplicasOptions,
  replicaName,
} from './replicas.ts';
export { REQUEST_ID_HEADER, requestIdOf } from './request-id.ts';
export { requestLog, requestLogging } from './request-logging.ts';
export { instrumentCache, instrumentPool, instrumentQueues, instrumentShedder } from './resource-metrics.ts';
export { type ProcessContext, runProcess } from './run-process.ts';
export {
  type Handler,
  type Handlers,
  type OperationRequest,
  type OperationShape,
  serveOperations,
} from './serve-operations.ts';
export { defaultServerTimeouts, listen, type RunningServer, type ServerTimeouts } from './server.ts';
export { sharedFor } from './shared-answer.ts';
export {
  headerOf,
  pathOf,
  readBody,
  runStages,
  type Stage,
  sendJson,
  vary,
} from './stages.ts';
export {
  createUpstream,
  type Upstream,
  type UpstreamOptions,
  type UpstreamRequest,
  type UpstreamResponse,
} from './upstream.ts';
export { parseRequest, type RequestPart } from './validate.ts';
