// What the tools read of the skier service (the configuration table, the resilience map).
export { skierConfigSchema } from './config.ts';
export { skierDependencies } from './resilience.ts';
