import { z } from 'zod';
import { defineOperation } from '../operation.ts';
import { healthLive, healthReady, openApiDocumentShape, statistics } from '../schemas/gateway.ts';

const text = z.string();

// The public operations of the gateway. Its detailed views (/health/deps, /metrics, /status, /status.json)
// are served on its internal listener only, for operators and Prometheus: they are not part of the API.
export const gatewayOperations = [
  defineOperation({
    operationId: 'getStatistics',
    method: 'GET',
    path: '/statistics',
    service: 'gateway',
    auth: 'none',
    courseContract: true,
    summary: 'Latency per route template',
    tags: ['operations'],
    responses: { 200: { description: 'Mean and max latency in ms per route.', schema: statistics } },
  }),
  defineOperation({
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/openapi.json',
    service: 'gateway',
    auth: 'none',
    rateLimited: false,
    summary: 'This OpenAPI 3.1 document',
    tags: ['docs'],
    responses: { 200: { description: 'The document.', schema: openApiDocumentShape } },
  }),
  defineOperation({
    operationId: 'getDocs',
    method: 'GET',
    path: '/docs',
    service: 'gateway',
    auth: 'none',
    rateLimited: false,
    summary: 'Interactive API documentation',
    tags: ['docs'],
    responses: { 200: { description: 'An HTML page.', schema: text, contentType: 'text/html' } },
  }),
  defineOperation({
    operationId: 'getLiveness',
    method: 'GET',
    path: '/health/live',
    service: 'gateway',
    auth: 'none',
    rateLimited: false,
    summary: 'The process is alive',
    tags: ['operations'],
    responses: { 200: { description: 'Alive.', schema: healthLive } },
  }),
  defineOperation({
    operationId: 'getReadiness',
    method: 'GET',
    path: '/health/ready',
    service: 'gateway',
    auth: 'none',
    rateLimited: false,
    summary: 'The process can serve traffic',
    tags: ['operations'],
    responses: {
      200: { description: 'Ready.', schema: healthReady },
      503: { description: 'Not ready, or draining before shutdown.', schema: healthReady },
    },
  }),
];
