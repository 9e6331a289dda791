import { loadConfig } from '@skico/config';
import { operations } from '@skico/contracts';
import { createLifecycle } from '@skico/http';
import { createLogger } from '@skico/log';
import type { Express } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { createGatewayDeps } from './composition.ts';
import { gatewayConfigSchema } from './config.ts';
import { forwardedOperations } from './routes/api-handlers.ts';

const log = createLogger({ service: 'test', level: 'silent' });
const lifecycle = createLifecycle(log, { graceMs: 1000 });
// Built as main.ts builds it, but never called: the test reads the routes the app registers.
const app = createApp(
  createGatewayDeps(loadConfig(gatewayConfigSchema, { RESORT_URL: 'http://127.0.0.1:9' }), log, lifecycle),
);
afterAll(() => lifecycle.shutdown('test'));

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method + path the express app serves, with `:param` turned back into `{param}`. */
function servedRoutes(express: Express): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          found.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((express as unknown as { router: { stack: Layer[] } }).router.stack);
  return found;
}

// Served as static assets and the page's script, part of the documented /docs page.
const docsAssets = (route: string) => route === 'GET /docs/init.js';

describe('gateway routes and the contract', () => {
  // The gateway's own operations are express routes; those of the services are dispatched from the
  // contract by the API router (the end-to-end tests call every one of them through the gateway).
  const forwarded = forwardedOperations(operations).map((op) => `${op.method} ${op.path}`);
  const served = [...servedRoutes(app.express).filter((r) => !docsAssets(r)), ...forwarded];

  it('when an operation is forwarded, then no express route serves it besides', () => {
    expect(servedRoutes(app.express).filter((r) => forwarded.includes(r))).toEqual([]);
  });
  const documented = operations.map((op) => `${op.method} ${op.path}`);

  it('when the served routes are listed, then each one is documented', () => {
    expect(served.length).toBeGreaterThanOrEqual(operations.length);
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('when the documented operations are listed, then each one is served', () => {
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });
});
