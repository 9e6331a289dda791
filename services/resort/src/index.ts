// What the tools read of the resort service (the configuration table, the resilience map).
export { resortConfigSchema } from './config.ts';
export { resortDependencies } from './resilience.ts';
