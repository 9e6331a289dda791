import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { type DirectHandler, type DirectMatch, type DirectRoutes, directOperations } from './direct.ts';
import { jsonOf, queryOf, type Stage } from './stages.ts';
import { parseRequest } from './validate.ts';

/**
 * What the kit reads of a contract operation: its id, its path template and the schemas of its input. The
 * contract's operations have this shape with literal types; the kit does not import the contract.
 */
export interface OperationShape {
  operationId: string;
  path: string;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
}

/** The output of a part's schema, or `Otherwise` when the operation declares none. */
type Parsed<S, Otherwise> = [NonNullable<S>] extends [never]
  ? Otherwise
  : NonNullable<S> extends z.ZodType
    ? z.output<NonNullable<S>>
    : Otherwise;

/**
 * A request as its operation's handler receives it: node's own, with the path parameters, query and body
 * parsed by the operation's schemas (a part without a schema is not parsed: raw path parameters, no query).
 */
export type OperationRequest<Op extends OperationShape> = IncomingMessage & {
  params: Parsed<Op['params'], Record<string, string>>;
  query: Parsed<Op['query'], undefined>;
  body: Parsed<Op['body'], unknown>;
};

/** Serves one operation: it answers on `res`, or throws (rejects) for a problem+json answer. */
export type Handler<Op extends OperationShape> = (req: OperationRequest<Op>, res: ServerResponse) => unknown;

/**
 * A handler for each of the operations `Op` (a union), by operation id: a missing id and an id that is not
 * one of them both fail the type check.
 */
export type Handlers<Op extends OperationShape> = { [O in Op as O['operationId']]: Handler<O> };

/**
 * The direct routes of a service's contract operations: for each operation the matcher finds (the
 * contract's `operationsOf(service)`), its handler from the table, called once the path parameters, query
 * and body are parsed with the operation's own schemas (400 problem+json naming each offending field).
 * `before` stages run first, as in `directOperations`.
 */
export function serveOperations<Op extends OperationShape>(
  find: (req: IncomingMessage) => DirectMatch<Op> | undefined,
  handlers: NoInfer<Handlers<Op>>,
  before: readonly Stage[] = [],
): DirectRoutes {
  const table = handlers as Record<string, Handler<Op> | undefined>;
  return directOperations(
    find,
    (operation) => {
      const handler = Object.hasOwn(table, operation.operationId) ? table[operation.operationId] : undefined;
      return handler && parsingInput(operation, handler);
    },
    before,
  );
}

/**
 * The handler behind a parse of each part the operation declares, in the order path, query, body. The
 * parsed values replace the raw ones on the request, so that serving allocates nothing beyond the parses.
 */
function parsingInput<Op extends OperationShape>(operation: Op, handler: Handler<Op>): DirectHandler {
  const { params, query, body } = operation;
  return (req, res) => {
    const typed = req as unknown as Record<'params' | 'query' | 'body', unknown>;
    if (params) typed.params = parseRequest(params, req.params, 'path');
    if (query) typed.query = parseRequest(query, queryOf(req), 'query');
    if (body) typed.body = parseRequest(body, jsonOf(req), 'body');
    return handler(req as unknown as OperationRequest<Op>, res);
  };
}
