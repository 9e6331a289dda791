import { getOperation, type OperationById, type OperationId } from './operations.ts';

type ParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;

/** The values of a path template's parameters: `/skiers/{skierID}/stats` takes `{ skierID }`. */
export type PathParams<Path extends string> = { [Name in ParamNames<Path>]: string | number };

/**
 * The builder of an operation's concrete paths, so that a caller takes the path from the contract instead
 * of spelling it: `pathBuilder('getSkierSeasonStats')({ skierID: 7 })` is `/internal/skiers/7/stats`. The
 * template is split once; each value is percent-encoded.
 * @throws Error when no operation has the id.
 */
export function pathBuilder<K extends OperationId>(
  operationId: K,
): (params: PathParams<OperationById<K>['path']>) => string {
  // Odd indices are parameter names: '/a/{x}/b'.split(...) is ['/a/', 'x', '/b'].
  const parts = getOperation(operationId).path.split(/\{(\w+)\}/);
  return (params) => {
    let path = '';
    for (const [i, part] of parts.entries()) {
      path += i % 2 === 0 ? part : encodeURIComponent((params as Record<string, string | number>)[part] ?? '');
    }
    return path;
  };
}
