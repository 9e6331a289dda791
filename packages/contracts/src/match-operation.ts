import type { HttpMethod, Operation, OwningService } from './operation.ts';
import { allOperations, operations, type ServiceOperation } from './operations.ts';

export interface OperationMatch<Op extends Operation = Operation> {
  operation: Op;
  /** Path parameters by name, still strings (parse them with `operation.params`). */
  params: Record<string, string>;
}

interface CompiledRoute<Op extends Operation = Operation> {
  operation: Op;
  segments: string[];
  literals: number;
}

const isParam = (segment: string) => segment.startsWith('{') && segment.endsWith('}');

function compile<Op extends Operation>(list: readonly Op[]): CompiledRoute<Op>[] {
  return (
    list
      .map((operation) => {
        const segments = operation.path.split('/').slice(1);
        return { operation, segments, literals: segments.filter((s) => !isParam(s)).length };
      })
      // Literal segments win over parameters, so `/health/live` never reads as a parameterised template.
      .sort((a, b) => b.literals - a.literals)
  );
}

const compiled = compile(operations);

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

function matchIn<Op extends Operation>(
  routes: readonly CompiledRoute<Op>[],
  method: string,
  path: string,
): OperationMatch<Op> | undefined {
  const parts = partsOf(path);
  const wanted = method.toUpperCase() as HttpMethod;
  for (const route of routes) {
    if (route.operation.method !== wanted) continue;
    const params = matchSegments(route, parts);
    if (params) return { operation: route.operation, params };
  }
  return undefined;
}

/**
 * The public operation serving this method and concrete path (`/resorts/3/seasons`), with its raw path
 * parameters.
 */
export function matchOperation(method: string, path: string): OperationMatch | undefined {
  return matchIn(compiled, method, path);
}

/** The public operation a request is for (HEAD is served as GET). */
export function operationFor(method: string | undefined, path: string): OperationMatch | undefined {
  return matchOperation(method === 'HEAD' ? 'GET' : (method ?? 'GET'), path);
}

/**
 * The matcher of the operations one service owns, its internal ones included, as its request handler asks:
 * a request's method and URL. The match's operation has the service's literal operation types, so that a
 * handler table over it is checked against them.
 */
export function operationsOf<S extends OwningService>(
  service: S,
): (req: { method?: string; url?: string }) => OperationMatch<ServiceOperation<S>> | undefined {
  const routes = compile(allOperations.filter((op): op is ServiceOperation<S> => op.service === service));
  return (req) => matchIn(routes, req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET'), req.url ?? '/');
}

/** The methods that some operation serves at this concrete path: empty for an unknown path (404), else 405. */
export function allowedMethods(path: string): HttpMethod[] {
  const parts = partsOf(path);
  return compiled.filter((route) => matchSegments(route, parts)).map((route) => route.operation.method);
}
