import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import {
  type DocumentedRequestHeader,
  requestHeaderComponentName,
  requestHeaderComponents,
  responseHeaderComponents,
} from './openapi-components.ts';
import type { Operation, ResponseHeader, ResponseSpec } from './operation.ts';
import { operations } from './operations.ts';

export const API_VERSION = '1.0.0';
export const DEFAULT_SERVER_URL = 'http://localhost:8080';

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const ref = (kind: string, name: string) => ({ $ref: `#/components/${kind}/${name}` });

function responseConfig(op: Operation, status: number, spec: ResponseSpec) {
  const names: ResponseHeader[] = ['X-Request-Id', ...(spec.headers ?? [])];
  if (op.rateLimited && status < 300) names.push('RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset');
  const headers = Object.fromEntries(names.map((name) => [name, ref('headers', name)]));
  const contentType = spec.contentType ?? 'application/json';
  return {
    description: spec.description,
    headers,
    ...(spec.schema ? { content: { [contentType]: { schema: spec.schema } } } : {}),
  };
}

function routeConfig(op: Operation): RouteConfig {
  // Request-Timeout only matters where the gateway forwards a deadline to a service.
  const headerNames: DocumentedRequestHeader[] = [
    'X-Request-Id',
    ...(op.service === 'gateway' ? [] : (['Request-Timeout'] as const)),
    ...op.requestHeaders,
  ];
  return {
    method: op.method.toLowerCase() as RouteConfig['method'],
    path: op.path,
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: op.tags,
    ...(op.auth === 'none' ? {} : { security: [{ bearerAuth: [] }] }),
    'x-skico-service': op.service,
    'x-skico-auth': op.auth,
    'x-skico-course-contract': op.courseContract,
    parameters: headerNames.map((name) => ref('parameters', requestHeaderComponentName[name])),
    request: {
      ...(op.params ? { params: op.params } : {}),
      ...(op.query ? { query: op.query } : {}),
      ...(op.body ? { body: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    },
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, spec]) => [status, responseConfig(op, Number(status), spec)]),
    ),
  };
}

/** The OpenAPI 3.1 document of every operation in the contract. */
export function buildOpenApiDocument(options: { serverUrl?: string } = {}): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT. Admin routes need the admin role; owner routes accept the skier’s own token or an admin’s.',
  });
  for (const [name, header] of Object.entries(responseHeaderComponents)) {
    registry.registerComponent('headers', name, header);
  }
  for (const [name, parameter] of Object.entries(requestHeaderComponents)) {
    registry.registerComponent('parameters', name, parameter);
  }
  for (const op of operations) registry.registerPath(routeConfig(op));
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Skico API',
      version: API_VERSION,
      description:
        'The ski-resort API served by the Skico gateway: the course contract of SkiDataAPI 2.0 plus extensions. ' +
        'Errors are RFC 9457 problem documents that also carry `message`.',
    },
    servers: [{ url: options.serverUrl ?? DEFAULT_SERVER_URL }],
  });
}
