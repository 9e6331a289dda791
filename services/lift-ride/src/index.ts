// What the tools read of the lift-ride service: the configuration table, the resilience map, and the
// queries the load tool's growth measurement times against a large table.
export { liftRideConfigSchema } from './config.ts';
export { createRideQueries } from './data/ride-queries.ts';
export { liftRideDependencies, replicaReads } from './resilience.ts';
