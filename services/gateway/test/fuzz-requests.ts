import { buildOpenApiDocument } from '@skico/contracts';
import fc from 'fast-check';

/** The subset of JSON Schema that the document uses. */
export interface Schema {
  type?: string | string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  items?: Schema;
  minItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}

export interface FuzzOperation {
  operationId: string;
  method: string;
  template: string;
  auth: string;
  /** Gateway-owned operations do not read the Request-Timeout header. */
  ownedByGateway: boolean;
  params: Parameter[];
  body?: Schema;
}

/** Valid: the document allows it. Tolerated: beyond the document (unknown query keys...), any 2xx-4xx. Invalid: must be refused. */
export type Expectation = 'valid' | 'tolerated' | 'invalid';

export interface FuzzRequest {
  operationId: string;
  method: string;
  /** Path and query, encoded. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
  expectation: Expectation;
  /** What was done to the request, for the report. */
  mutation: string;
}

type Component = Record<string, Parameter>;

/** Every operation of the OpenAPI document with its parameters resolved. */
export function fuzzOperations(): FuzzOperation[] {
  const doc = buildOpenApiDocument() as unknown as {
    paths: Record<string, Record<string, Record<string, unknown>>>;
    components: { parameters: Component };
  };
  const resolve = (p: Parameter | { $ref: string }): Parameter =>
    '$ref' in p ? (doc.components.parameters[p.$ref.split('/').pop() as string] as Parameter) : p;
  return Object.entries(doc.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, op]) => {
      const body = (op.requestBody as { content?: Record<string, { schema: Schema }> } | undefined)?.content?.[
        'application/json'
      ]?.schema;
      return {
        operationId: op.operationId as string,
        method: method.toUpperCase(),
        template,
        auth: (op['x-skico-auth'] as string | undefined) ?? 'none',
        ownedByGateway: op['x-skico-service'] === 'gateway',
        params: ((op.parameters ?? []) as (Parameter | { $ref: string })[]).map(resolve),
        ...(body ? { body } : {}),
      };
    }),
  );
}

/** Strings that have broken parsers, databases and templates before. */
export const nastyStrings = [
  "' OR '1'='1",
  '1; DROP TABLE lift_ride.rides; --',
  '" OR 1=1 --',
  "1' UNION SELECT rolpassword FROM pg_authid --",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally.
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  '__proto__',
  'constructor',
  '{"$gt": ""}',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  '0x1F',
  '１２３',
  '٢٠٢٥',
  '\u202egnp.exe',
  '😀🏔️⛷️',
  '\ud800',
  'null',
  '[]',
  ' ',
  '\t7',
  '+1',
  '2147483648',
  '-2147483649',
  '9'.repeat(400),
  'Ω≈ç√∫˜µ≤≥÷',
  'ＳＥＬＥＣＴ',
  '\r\nX-Injected: 1',
];

const nasty = fc.constantFrom(...nastyStrings);
const anyText = fc.oneof(
  nasty,
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);

/** Percent-encodes for a URL; lone surrogates, which encodeURIComponent refuses, become raw invalid UTF-8. */
export function encode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.replace(/[^\w-]/g, (c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        return '%ED%A0%80';
      }
    });
  }
}

const typeOf = (schema: Schema): string[] => (Array.isArray(schema.type) ? schema.type : [schema.type ?? 'string']);

/** A value the schema accepts (small ids most of the time, so that requests meet existing rows). */
export function validValue(schema: Schema): fc.Arbitrary<unknown> {
  const types = typeOf(schema);
  if (types.length > 1) return fc.oneof(...types.map((type) => validValue({ ...schema, type })));
  const [type] = types;
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (type === 'null') return fc.constant(null);
  if (type === 'boolean') return fc.boolean();
  if (type === 'integer') {
    const min = schema.minimum ?? -(2 ** 31);
    const max = schema.maximum ?? 2 ** 31 - 1;
    return fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min, max: Math.min(max, min + 11) }) },
      { weight: 1, arbitrary: fc.integer({ min, max }) },
    );
  }
  if (type === 'number') {
    return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
  }
  if (type === 'array') {
    return fc.array(validValue(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: 4 });
  }
  if (type === 'object') {
    const props = schema.properties ?? {};
    const model = Object.fromEntries(Object.entries(props).map(([k, s]) => [k, validValue(s)]));
    return fc.record(model, { requiredKeys: schema.required ?? [] });
  }
  if (schema.pattern === '^[0-9]{4}$')
    return fc.oneof(fc.constantFrom('2024', '2025'), fc.stringMatching(/^[0-9]{4}$/));
  if (schema.pattern)
    return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length <= (schema.maxLength ?? 255));
  return fc.string({
    unit: 'grapheme',
    minLength: schema.minLength ?? 0,
    maxLength: Math.min(schema.maxLength ?? 40, 40),
  });
}

/** A value the schema refuses: wrong type, out of range, too long, not in the enum, not matching. */
export function invalidValue(schema: Schema): fc.Arbitrary<unknown> {
  const types = typeOf(schema);
  const nullable = types.includes('null');
  const refused = (v: unknown) => fc.constant(v);
  const choices: fc.Arbitrary<unknown>[] = [
    fc.constantFrom<unknown>(true, [], {}, { $gt: 0 }, [1, 2]),
    ...(nullable ? [] : [refused(null)]),
  ];
  if (types.includes('integer') || types.includes('number')) {
    choices.push(nasty, fc.constantFrom<unknown>('1', '12'));
    if (schema.minimum !== undefined) choices.push(fc.integer({ min: -(2 ** 40), max: schema.minimum - 1 }));
    if (schema.maximum !== undefined) choices.push(fc.integer({ min: schema.maximum + 1, max: 2 ** 40 }));
    if (types.includes('integer')) choices.push(fc.constantFrom(1.5, 0.001, 1e300));
  } else if (types.includes('string')) {
    choices.push(fc.integer(), fc.double({ noNaN: true }));
    if (schema.enum) choices.push(anyText.filter((s) => !schema.enum?.includes(s)));
    if (schema.pattern) {
      const re = new RegExp(schema.pattern);
      choices.push(anyText.filter((s) => !re.test(s)));
    }
    if ((schema.minLength ?? 0) > 0) choices.push(fc.constant(''));
    if (schema.maxLength !== undefined) {
      const max = schema.maxLength;
      choices.push(fc.integer({ min: max + 1, max: max + 500 }).map((n) => 'ü'.repeat(n)));
    }
  }
  return fc.oneof(...choices);
}

/** A value for a path or query parameter (always sent as text) that the schema refuses. */
export function invalidParam(schema: Schema): fc.Arbitrary<string> {
  if (schema.type === 'array') return invalidParam(schema.items ?? {});
  if (schema.type === 'integer') {
    const min = schema.minimum ?? 1;
    const max = schema.maximum ?? 2 ** 31 - 1;
    return fc.oneof(
      fc.constantFrom(String(min - 1), String(max + 1), '-1', '1.5', '1e3', '0x10', ' 1', '+1', '1 ', 'abc'),
      fc.bigInt({ min: BigInt(max) + 1n, max: 10n ** 30n }).map(String),
      nasty.filter((s) => !/^[0-9]{1,10}$/.test(s) || Number(s) > max || Number(s) < min),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }).filter((s) => !/^[0-9]+$/.test(s)),
    );
  }
  const re = new RegExp(schema.pattern ?? '^$');
  return fc.oneof(nasty, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 })).filter((s) => !re.test(s));
}
