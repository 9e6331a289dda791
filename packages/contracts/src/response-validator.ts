import { matchOperation } from './match-operation.ts';

export interface ObservedResponse {
  method: string;
  /** The concrete path requested, e.g. `/resorts/3/seasons?x=1`. */
  path: string;
  status: number;
  /** The parsed body: JSON as parsed, text as a string, undefined when empty. */
  body: unknown;
  /** The Content-Type header as received, if it should be checked. */
  contentType?: string;
}

export type ResponseValidator = (response: ObservedResponse) => string[];

const mediaType = (contentType: string) => contentType.split(';')[0]?.trim().toLowerCase() ?? '';

const isEmpty = (body: unknown) => body === undefined || body === null || body === '';

/** A checker that tells how an observed answer departs from the contract; an empty list means it conforms. */
export function createResponseValidator(): ResponseValidator {
  return ({ method, path, status, body, contentType }) => {
    const match = matchOperation(method, path);
    if (!match) return [`${method} ${path}: no operation in the contract`];
    const { operation } = match;
    const where = `${operation.operationId} (${operation.method} ${operation.path})`;
    const spec = operation.responses[status];
    if (!spec) return [`${where}: status ${status} is not documented`];
    const problems: string[] = [];
    const expectedType = spec.contentType ?? 'application/json';
    if (spec.schema && contentType !== undefined && mediaType(contentType) !== expectedType) {
      problems.push(`${where}: ${status} has Content-Type ${contentType}, documented ${expectedType}`);
    }
    if (!spec.schema) {
      if (!isEmpty(body)) problems.push(`${where}: ${status} is documented without a body but has one`);
      return problems;
    }
    const result = spec.schema.safeParse(body);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
        problems.push(`${where}: ${status} body ${field}: ${issue.message}`);
      }
    }
    return problems;
  };
}
