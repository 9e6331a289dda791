export { AppError, type AppErrorOptions, type ErrorKind, conflict, invalid, isAppError, notFound } from './app-error.ts';
export { DependencyUnavailable, isDependencyUnavailable, type UnavailableReason } from './dependency-unavailable.ts';
