import type { IncomingMessage, ServerResponse } from 'node:http';
import { AppError } from '@skico/errors';
import { pathOf, type Stage } from './stages.ts';

/** A request served directly: node's own, with its path parameters and, once read, its body as bytes. */
export type DirectRequest = IncomingMessage & { params: Record<string, string>; body?: Buffer };

/** Serves one operation; path parameters are in `req.params`, the body bytes in `req.body`. */
export type DirectHandler = (req: DirectRequest, res: ServerResponse) => unknown;

/** What a matcher (the contract's) finds for a request: the operation and its raw path parameters. */
export interface DirectMatch<Op> {
  operation: Op;
  params: Record<string, string>;
}

/**
 * The direct path's router: for a request it serves, the stages to run; undefined hands the request to
 * express.
 */
export type DirectRoutes = (req: IncomingMessage) => readonly Stage[] | undefined;

/** `/resorts/{resortID}` → `/resorts/:resortID`: the template form metrics and traces label routes with. */
function expressPath(template: string): string {
  return template.replace(/\{(\w+)\}/g, ':$1');
}

/**
 * Serves the operations a matcher finds without express: for a request whose operation has a handler,
 * the stages to run (`before`, then the handler), with the path parameters and the route template set on
 * the request; undefined for anything else, which express serves. The stages are built once per
 * operation, so that matching a request allocates nothing but its parameters.
 */
export function directOperations<Op extends { path: string }>(
  find: (req: IncomingMessage) => DirectMatch<Op> | undefined,
  handlerOf: (operation: Op) => DirectHandler | undefined,
  before: readonly Stage[] = [],
): DirectRoutes {
  const served = new Map<Op, { template: string; stages: readonly Stage[] } | null>();
  const serving = (operation: Op) => {
    const handler = handlerOf(operation);
    if (!handler) return null;
    const serve: Stage = (req, res) => {
      // As express's router does for its parameters: a path that is not valid percent-encoded UTF-8.
      try {
        decodeURIComponent(pathOf(req));
      } catch {
        throw new AppError('invalid', 'MALFORMED_URL', 'The URL is not valid percent-encoded UTF-8.');
      }
      return handler(req as DirectRequest, res);
    };
    return { template: expressPath(operation.path), stages: [...before, serve] };
  };
  return (req) => {
    const match = find(req);
    if (!match) return undefined;
    let route = served.get(match.operation);
    if (route === undefined) {
      route = serving(match.operation);
      served.set(match.operation, route);
    }
    if (!route) return undefined;
    (req as DirectRequest).params = match.params;
    req.routeTemplate = route.template;
    return route.stages;
  };
}
