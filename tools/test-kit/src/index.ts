export { type ApiAnswer, type ApiCall, type ApiClient, createApiClient } from './api-client.ts';
export { CHROMIUM_PATH, chromiumLaunchOptions } from './browser.ts';
export {
  createFaultProxy,
  type FaultMode,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultProxyStats,
} from './fault-proxy.ts';
export { freePort } from './free-port.ts';
export {
  type Attempt,
  type AttemptOutcome,
  createHistory,
  type FinalState,
  formatHistory,
  type History,
  type HistoryReport,
} from './history.ts';
export {
  createNetLab,
  type Direction,
  type Fault,
  type Forwarder,
  labNamespaces,
  labUnavailable,
  type NetHost,
  type NetLab,
  type Peer,
  removeStaleLabs,
} from './net-lab.ts';
export { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.ts';
export { type PostgresNode, type PostgresReplicaSet, startPostgresReplica } from './postgres-replica.ts';
export { type PostgresServer, type PostgresServerOptions, startPostgres } from './postgres-server.ts';
export { type RabbitCluster, type RabbitNode, startRabbitCluster } from './rabbit-cluster.ts';
export { uniqueName } from './unique-name.ts';
export { viaProxy } from './via-proxy.ts';
export { type WaitForOptions, waitFor } from './wait-for.ts';
