import { createRedisClient } from '@skico/cache';
import { operations } from '@skico/contracts';
import { createMetricsRegistry, createUpstream } from '@skico/http';
import { createLogger } from '@skico/log';
import type { Express } from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.ts';
import { createIdempotency } from '../src/middleware/idempotency.ts';
import { createStatistics } from '../src/middleware/statistics.ts';

const log = createLogger({ service: 'test', level: 'silent' });
// Built but never called: the test reads the routes the app registers.
const redis = createRedisClient({ url: 'redis://127.0.0.1:6379', log });
const upstream = (name: string) => createUpstream({ name, baseUrl: 'http://127.0.0.1:9', connections: 1 });
const app = createApp({
  log,
  upstreams: { resort: upstream('resort'), skier: upstream('skier'), 'lift-ride': upstream('lift-ride') },
  redis,
  idempotency: createIdempotency({ redis, retentionSeconds: 60, lockSeconds: 5, log }),
  statistics: createStatistics({ windowSeconds: 60 }),
  tokens: { secret: 'x'.repeat(32), issuer: 'i', audience: 'a' },
  metrics: createMetricsRegistry('gateway'),
  requestTimeoutMs: 1000,
});
afterAll(() => redis.disconnect());

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
  const served = servedRoutes(app).filter((r) => !docsAssets(r));
  const documented = operations.map((op) => `${op.method} ${op.path}`);

  it('when the served routes are listed, then each one is documented', () => {
    expect(served.length).toBeGreaterThanOrEqual(operations.length);
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
  });

  it('when the documented operations are listed, then each one is served', () => {
    expect(documented.filter((r) => !served.includes(r))).toEqual([]);
  });
});
