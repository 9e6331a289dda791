import fc from 'fast-check';
import { type FuzzTokens, invalid, type Parts, paramsIn, tolerated } from './fuzz-mutations.ts';
import { encode, type FuzzOperation, type FuzzRequest, validValue } from './fuzz-requests.ts';

export type { FuzzTokens };

/** A request the document allows, as parts, for an operation. */
function validParts(op: FuzzOperation, tokens: FuzzTokens): fc.Arbitrary<Parts> {
  const path = fc.record(
    Object.fromEntries(paramsIn(op, 'path').map((p) => [p.name, validValue(p.schema).map(String)])),
  );
  const query = fc
    .tuple(
      ...paramsIn(op, 'query').map((p) =>
        (p.required ? validValue(p.schema) : fc.option(validValue(p.schema), { nil: undefined })).map((v) =>
          v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => [p.name, String(x)] as [string, string]),
        ),
      ),
    )
    .map((lists) => lists.flat());
  const body = op.body ? validValue(op.body) : fc.constant(undefined);
  const idempotencyKey = op.method === 'POST' ? fc.option(fc.uuid(), { nil: undefined }) : fc.constant(undefined);
  const timeout = op.ownedByGateway
    ? fc.constant(undefined)
    : fc.option(fc.integer({ min: 1_500, max: 60_000 }), { nil: undefined });
  return fc
    .record({ path, query, body, idempotencyKey, timeout })
    .map(({ path, query, body, idempotencyKey, timeout }) => {
      const headers: Record<string, string> = {};
      if (op.auth !== 'none') headers.authorization = `Bearer ${tokens.admin}`;
      if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
      if (timeout) headers['request-timeout'] = String(timeout);
      return { path, query, headers, body };
    });
}

function toRequest(
  op: FuzzOperation,
  parts: Parts,
  expectation: FuzzRequest['expectation'],
  mutation: string,
): FuzzRequest {
  const path = op.template.replace(/\{(\w+)\}/g, (_, name: string) => encode(parts.path[name] ?? ''));
  const query = parts.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
  const headers = { ...parts.headers };
  let body: string | Uint8Array | undefined = parts.rawBody;
  if (body === undefined && parts.body !== undefined) body = JSON.stringify(parts.body);
  if (typeof body === 'string' && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  return {
    operationId: op.operationId,
    method: op.method,
    url: query ? `${path}?${query}` : path,
    headers,
    body,
    expectation,
    mutation,
  };
}

/** Requests the document allows, some with harmless extras it does not mention. */
export function validRequests(ops: FuzzOperation[], tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...ops).chain((op) => {
    const extras = tolerated(op);
    return fc
      .tuple(validParts(op, tokens), fc.option(fc.oneof(...extras), { nil: undefined, freq: 2 }))
      .map(([parts, extra]) =>
        extra ? toRequest(op, extra[1](parts), 'tolerated', extra[0]) : toRequest(op, parts, 'valid', 'none'),
      );
  });
}

/** Requests the document refuses, each by exactly one named change to a valid request. */
export function invalidRequests(ops: FuzzOperation[], tokens: FuzzTokens): fc.Arbitrary<FuzzRequest> {
  return fc
    .constantFrom(...ops)
    .chain((op) =>
      fc
        .tuple(validParts(op, tokens), fc.oneof(...invalid(op, tokens)))
        .map(([parts, [name, change]]) => toRequest(op, change(parts), 'invalid', name)),
    );
}
