export { defaultAdminUrl, prepareDatabase } from './database.ts';
export { ensureInfrastructure, infraDependencies, isListening } from './infra-check.ts';
export { removeNamespace } from './namespace-cleanup.ts';
export {
  commands,
  type ProcessSpec,
  processes,
  repoRoot,
  type ServiceSchema,
  serviceSchemas,
} from './processes.ts';
export {
  databaseUrl,
  defaultSettings,
  opsListeners,
  opsPortKey,
  processEnv,
  type StackSettings,
} from './stack-env.ts';
export { type RunningStack, type StackOptions, startStack, waitForReady } from './start-stack.ts';
export { createSupervisor, type Supervisor } from './supervisor.ts';
export { startTestStack, type TestStack, type TestStackOptions } from './test-stack.ts';
