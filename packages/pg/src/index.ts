export {
  boundedQuery,
  isStatementBudgetSpent,
  type StatementBounds,
  StatementBudgetSpent,
} from './bounded-query.ts';
export { postgresBreakerOptions } from './breaker-options.ts';
export { cancelStatement } from './cancel-statement.ts';
export { isPgStatementError, isTransientPgError } from './errors.ts';
export { type Guard, guardPool } from './guard-pool.ts';
export { type Migration, migrate, readMigrations } from './migrate.ts';
export {
  CALLS_PER_CONNECTION,
  createPool,
  type Pool,
  type PoolClient,
  type PoolOptions,
  withTransaction,
} from './pool.ts';
export { readPool } from './read-pool.ts';
export { type ReplicaLag, watchReplicaLag } from './replica-lag.ts';
export { dropDatabase, type ServiceDatabase, setupDatabase } from './setup-database.ts';
