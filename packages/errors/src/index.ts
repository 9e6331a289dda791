export {
  AppError,
  type AppErrorOptions,
  conflict,
  type ErrorKind,
  invalid,
  isAppError,
  notFound,
} from './app-error.ts';
export { DependencyUnavailable, isDependencyUnavailable, type UnavailableReason } from './dependency-unavailable.ts';
