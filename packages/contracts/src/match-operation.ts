import type { HttpMethod, Operation } from './operation.ts';
import { operations } from './operations.ts';

export interface OperationMatch {
  operation: Operation;
  /** Path parameters by name, still strings (parse them with `operation.params`). */
  params: Record<string, string>;
}

interface CompiledRoute {
  operation: Operation;
  segments: string[];
  literals: number;
}

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

const compiled: CompiledRoute[] = operations
  .map((operation) => {
    const segments = operation.path.split('/').slice(1);
    return { operation, segments, literals: segments.filter((s) => !isParam(s)).length };
  })
  // Literal segments win over parameters, so `/health/live` never reads as a parameterised template.
  .sort((a, b) => b.literals - a.literals);

function matchSegments(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  if (route.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of route.segments.entries()) {
    const part = parts[i] as string;
    if (isParam(segment)) {
      if (part === '') return undefined;
      params[segment.slice(1, -1)] = safeDecode(part);
    } else if (segment !== part) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Splits a concrete path (query string and trailing slash ignored) into segments. */
function partsOf(path: string): string[] {
  const bare = path.split(/[?#]/)[0] ?? '';
  const trimmed = bare.length > 1 && bare.endsWith('/') ? bare.slice(0, -1) : bare;
  return trimmed.split('/').slice(1);
}

/** The operation serving this method and concrete path (`/resorts/3/seasons`), with its raw path parameters. */
export function matchOperation(method: string, path: string): OperationMatch | undefined {
  const parts = partsOf(path);
  const wanted = method.toUpperCase() as HttpMethod;
  for (const route of compiled) {
    if (route.operation.method !== wanted) continue;
    const params = matchSegments(route, parts);
    if (params) return { operation: route.operation, params };
  }
  return undefined;
}

/**
 * The operation a request is for (HEAD is served as GET), among those that `service` owns when given.
 */
export function operationFor(
  method: string | undefined,
  path: string,
  service?: Operation['service'],
): OperationMatch | undefined {
  const match = matchOperation(method === 'HEAD' ? 'GET' : (method ?? 'GET'), path);
  return match && (service === undefined || match.operation.service === service) ? match : undefined;
}

/** The matcher of the operations one service owns, as its request handler asks: a request's method and URL. */
export function operationsOf(service: Operation['service']) {
  return (req: { method?: string; url?: string }) => operationFor(req.method, req.url ?? '/', service);
}

/** The methods that some operation serves at this concrete path: empty for an unknown path (404), else 405. */
export function allowedMethods(path: string): HttpMethod[] {
  const parts = partsOf(path);
  return compiled.filter((route) => matchSegments(route, parts)).map((route) => route.operation.method);
}
