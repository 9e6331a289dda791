import fc from 'fast-check';
import { type FuzzOperation, invalidParam, invalidValue, nastyStrings, type Schema } from './fuzz-requests.ts';

export interface FuzzTokens {
  admin: string;
  /** A skier whose subject owns no profile the fuzzer touches. */
  skier: string;
  /** Tokens that must never authenticate: unsigned, wrong key, expired, another algorithm. */
  forged: string[];
}

export interface Parts {
  path: Record<string, string>;
  query: [string, string][];
  headers: Record<string, string>;
  body?: unknown;
  /** When set, sent as is instead of JSON-encoding `body`. */
  rawBody?: string | Uint8Array;
}

const notDotSegment = (s: string) => s !== '.' && s !== '..';
const visibleAscii = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)),
  minLength: 1,
  maxLength: 60,
});
// What a header value may hold on the wire (fetch refuses anything else before sending).
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 60,
});

export const paramsIn = (op: FuzzOperation, where: 'path' | 'query') => op.params.filter((p) => p.in === where);

/** A named change to a request's parts. */
export type Mutation = [string, (p: Parts) => Parts];

/** Changes beyond the document that the gateway must survive; any 2xx-4xx answer will do. */
export function tolerated(op: FuzzOperation): fc.Arbitrary<Mutation>[] {
  const add = (name: string, change: fc.Arbitrary<(p: Parts) => Parts>) => change.map((c) => [name, c] as Mutation);
  const header = (name: string, value: fc.Arbitrary<string>) =>
    add(
      `header ${name}`,
      value.map((v) => (p: Parts) => ({ ...p, headers: { ...p.headers, [name]: v } })),
    );
  const changes = [
    add(
      'unknown query key',
      fc
        .tuple(
          fc.constantFrom('zz', 'debug', 'admin', '__proto__', 'resort[0]'),
          fc.oneof(fc.constantFrom(...nastyStrings), fc.string()),
        )
        .map(([k, v]) => (p: Parts) => ({ ...p, query: [...p.query, [k, v] as [string, string]] })),
    ),
    header('x-request-id', headerText),
    header('x-api-key', visibleAscii),
    header('if-none-match', headerText),
    header('accept', fc.constantFrom('text/html', 'application/xml', '*/*', 'application/problem+json')),
  ];
  if (op.body && op.body.additionalProperties !== false) {
    changes.push(
      add(
        'extra body field',
        fc
          .tuple(fc.constantFrom('extra', '__proto__', 'constructor'), fc.jsonValue({ maxDepth: 2 }))
          .map(([k, v]) => (p: Parts) => ({ ...p, rawBody: JSON.stringify({ ...(p.body as object), [k]: v }) })),
      ),
    );
  }
  return changes;
}

const malformedJson = [
  '{',
  '{"time": 1,',
  "{'time': 1}",
  '{"time": NaN}',
  '{"a": 1,}',
  '[1, 2',
  '{"a":1}{"b":2}',
  '// x\n{}',
  'nul',
  'undefined',
  '\u0000{}',
  '{"a": "\\x41"}',
];

/** Changes that make a request one the document refuses; each is named for the report. */
export function invalid(op: FuzzOperation, tokens: FuzzTokens): fc.Arbitrary<Mutation>[] {
  const out: fc.Arbitrary<Mutation>[] = [];
  const add = (name: string, change: fc.Arbitrary<(p: Parts) => Parts>) =>
    out.push(change.map((c) => [name, c] as Mutation));
  const setHeader = (name: string, value: string | undefined) => (p: Parts) => {
    const headers = { ...p.headers };
    if (value === undefined) delete headers[name];
    else headers[name] = value;
    return { ...p, headers };
  };

  for (const param of paramsIn(op, 'path')) {
    add(
      `path ${param.name}`,
      invalidParam(param.schema)
        .filter(notDotSegment)
        .map((v) => (p: Parts) => ({ ...p, path: { ...p.path, [param.name]: v } })),
    );
  }
  for (const param of paramsIn(op, 'query')) {
    if (param.required)
      add(
        `query ${param.name} missing`,
        fc.constant((p: Parts) => ({ ...p, query: p.query.filter(([k]) => k !== param.name) })),
      );
    add(
      `query ${param.name}`,
      invalidParam(param.schema).map((v) => (p: Parts) => ({
        ...p,
        query: [...p.query, [param.name, v] as [string, string]],
      })),
    );
  }
  const schema: Schema | undefined = op.body;
  if (schema) {
    const props = schema.properties ?? {};
    for (const [field, fieldSchema] of Object.entries(props)) {
      add(
        `body ${field}`,
        invalidValue(fieldSchema).map((v) => (p: Parts) => ({ ...p, body: { ...(p.body as object), [field]: v } })),
      );
    }
    for (const field of schema.required ?? []) {
      add(
        `body ${field} missing`,
        fc.constant((p: Parts) => {
          const { [field]: _, ...rest } = p.body as Record<string, unknown>;
          return { ...p, body: rest };
        }),
      );
    }
    if (schema.additionalProperties === false) {
      add(
        'body extra field',
        fc
          .tuple(fc.constantFrom('admin', 'skierID', 'role', 'zz'), fc.jsonValue({ maxDepth: 1 }))
          .map(([k, v]) => (p: Parts) => ({ ...p, body: { ...(p.body as object), [k]: v } })),
      );
    }
    add(
      'body not an object',
      fc
        .constantFrom<unknown>([], 42, 'text', null, true, [{}])
        .map((v) => (p: Parts) => ({ ...p, body: v === null ? null : v, rawBody: JSON.stringify(v) })),
    );
    add(
      'body malformed JSON',
      fc.constantFrom(...malformedJson).map((text) => (p: Parts) => ({ ...p, rawBody: text })),
    );
    add(
      'body absent',
      fc.constant((p: Parts) => ({ ...p, body: undefined, rawBody: new Uint8Array() })),
    );
    add(
      'body too large',
      fc
        .integer({ min: 17 * 1024, max: 40 * 1024 })
        .map((n) => (p: Parts) => ({ ...p, rawBody: JSON.stringify({ ...(p.body as object), pad: 'x'.repeat(n) }) })),
    );
    add(
      'body too deep',
      fc
        .integer({ min: 9, max: 2_000 })
        .map((n) => (p: Parts) => ({ ...p, rawBody: `{"a":${'['.repeat(n)}${']'.repeat(n)}}` })),
    );
    add(
      'body wrong content type',
      fc
        .constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/xml',
          'application/json; charset=utf-16',
          'none',
        )
        .map((type) => (p: Parts) => {
          const bytes = new TextEncoder().encode(JSON.stringify(p.body));
          return type === 'none' ? { ...p, rawBody: bytes } : { ...setHeader('content-type', type)(p), rawBody: bytes };
        }),
    );
  }
  if (!op.ownedByGateway) {
    add(
      'header request-timeout',
      fc
        .constantFrom('0', '-5', '60001', 'soon', '1.5', '1e3', '', '1 00', '99999999999')
        .map((v) => setHeader('request-timeout', v)),
    );
  }
  if (op.method === 'POST') {
    add(
      'header idempotency-key',
      fc
        .constantFrom('', 'k'.repeat(256), 'a b', 'tab\there', 'x'.repeat(1_000))
        .map((v) => setHeader('idempotency-key', v)),
    );
  }
  if (op.auth !== 'none') {
    add('no token', fc.constant(setHeader('authorization', undefined)));
    add(
      'forged token',
      fc.constantFrom(...tokens.forged).map((t) => setHeader('authorization', `Bearer ${t}`)),
    );
    add(
      'malformed authorization',
      fc
        .oneof(headerText, fc.constantFrom('Bearer', 'Basic YWRtaW46YWRtaW4=', `bearer ${tokens.admin}`))
        .map((v) => setHeader('authorization', v)),
    );
    add('skier token', fc.constant(setHeader('authorization', `Bearer ${tokens.skier}`)));
  }
  add(
    'too many query parameters',
    fc.integer({ min: 21, max: 60 }).map((n) => (p: Parts) => ({
      ...p,
      query: [...p.query, ...Array.from({ length: n }, () => ['zz', '1'] as [string, string])],
    })),
  );
  add(
    'URL too long',
    fc
      .integer({ min: 2_100, max: 15_000 })
      .map((n) => (p: Parts) => ({ ...p, query: [...p.query, ['pad', 'x'.repeat(n)] as [string, string]] })),
  );
  return out;
}
