import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from './openapi.ts';
import { operations } from './operations.ts';

// biome-ignore lint/suspicious/noExplicitAny: the test walks the generated document as untyped JSON.
type Json = Record<string, any>;

const document = buildOpenApiDocument() as Json;
const allOperations = Object.entries(document.paths as Json).flatMap(([path, item]) =>
  Object.entries(item as Json).map(([method, op]) => ({ path, method, op: op as Json })),
);

describe('OpenAPI document', () => {
  it('when built, then it is an OpenAPI 3.1 document with servers, security scheme and Problem', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info).toMatchObject({ title: 'Skico API', version: expect.any(String) });
    expect(document.servers).toEqual([{ url: 'http://localhost:8080' }]);
    expect(document.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.schemas.Problem.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'message', 'code']),
    );
    expect(Object.keys(document.components.headers)).toEqual(
      expect.arrayContaining(['X-Request-Id', 'Retry-After', 'RateLimit-Limit', 'Idempotent-Replayed']),
    );
  });

  it('when a server URL is given, then it is the document’s server', () => {
    expect(buildOpenApiDocument({ serverUrl: 'https://api.example' }).servers).toEqual([
      { url: 'https://api.example' },
    ]);
  });

  it('when built, then it holds every operation of the registry, each with an id and responses', () => {
    expect(allOperations).toHaveLength(operations.length);
    for (const { op } of allOperations) {
      expect(op.operationId).toEqual(expect.any(String));
      expect(Object.keys(op.responses).length).toBeGreaterThan(0);
    }
  });

  it('when a path template has parameters, then each is declared as a required path parameter', () => {
    for (const { path, op } of allOperations) {
      const inTemplate = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? [])
        .filter((p: Json) => p.in === 'path' && p.required === true)
        .map((p: Json) => p.name)
        .sort();
      expect(declared, `${op.operationId}`).toEqual(inTemplate);
    }
  });

  it('when an operation needs auth, then it requires the bearer scheme, and only then', () => {
    for (const { op } of allOperations) {
      const needsAuth = op['x-skico-auth'] !== 'none';
      expect(op.security, op.operationId).toEqual(needsAuth ? [{ bearerAuth: [] }] : undefined);
    }
  });

  it('when an operation is a POST, then it documents Idempotency-Key and Idempotent-Replayed', () => {
    for (const { method, op } of allOperations.filter((o) => o.method === 'post')) {
      expect(op.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
      const created = Object.entries(op.responses as Json).find(([status]) => status.startsWith('2'))?.[1] as Json;
      expect(Object.keys(created.headers), `${method} ${op.operationId}`).toContain('Idempotent-Replayed');
    }
  });

  it('when an answer is an error of a service route, then it is problem+json, and 429 and 503 carry Retry-After', () => {
    for (const { op } of allOperations.filter((o) => o.op['x-skico-service'] !== 'gateway')) {
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (Number(status) < 400) continue;
        expect(Object.keys(response.content), `${op.operationId} ${status}`).toEqual(['application/problem+json']);
        if (status === '429' || status === '503') expect(Object.keys(response.headers)).toContain('Retry-After');
      }
    }
  });

  it('when every $ref is followed, then it resolves inside the document', () => {
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of new Set(refs)) {
      const target = ref.split('/').reduce<unknown>((node, key) => (node as Json | undefined)?.[key], document);
      expect(target, ref).toBeDefined();
    }
  });
});
