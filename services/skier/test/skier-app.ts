import { Writable } from 'node:stream';
import { baseUrlList, createReplicas, listen } from '@skico/http';
import { createPool, dropDatabase, type Pool, watchReplicaLag } from '@skico/pg';
import { createBreaker } from '@skico/resilience';
import { databaseUrl, defaultAdminUrl, prepareDatabase, serviceSchemas } from '@skico/stack';
import { uniqueName } from '@skico/test-kit';
import { pino } from 'pino';
import { createApp } from '../src/app.ts';
import { skierAppDeps } from '../src/composition.ts';
import { skierDependencies, skierReplicaReads } from '../src/resilience.ts';

export interface RunningSkierApp {
  url: string;
  pool: Pool;
  /** Whether the read replica (if any) is, as last measured, within the lag that profile reads allow. */
  replicaFresh: () => boolean;
  /** Every log line at warn or above, parsed. */
  warnings: Record<string, unknown>[];
  close: () => Promise<void>;
}

/** The skier app on a free port, against a database of its own, calling lift-ride at `liftRideUrl`. */
export async function startSkierApp(options: {
  liftRideUrl: string;
  statsTimeoutMs: number;
  /** The read replica's URL, given the primary's (such as the primary through a fault proxy); none by default. */
  readUrl?: (primaryUrl: string) => string;
}): Promise<RunningSkierApp> {
  const settings = { postgres: '127.0.0.1:5432', database: uniqueName('skico_t') };
  await prepareDatabase(settings);
  const schema = serviceSchemas.find((s) => s.service === 'skier');
  if (!schema) throw new Error('no skier schema');

  const warnings: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      warnings.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const log = pino({ level: 'warn' }, sink);
  const pool = createPool({ url: databaseUrl(settings, schema), applicationName: 'skier-test', log });
  const liftRide = createReplicas({
    name: 'lift-ride',
    baseUrls: baseUrlList(options.liftRideUrl),
    connections: 4,
    breaker: (name) => createBreaker({ ...skierDependencies['lift-ride'], name, timeoutMs: options.statsTimeoutMs }),
  });
  const breakers = { postgres: createBreaker(skierDependencies.postgres) };
  const replicaPool = options.readUrl
    ? createPool({ url: options.readUrl(databaseUrl(settings, schema)), applicationName: 'skier-test-reads', log })
    : undefined;
  const lag = replicaPool && watchReplicaLag({ primary: pool, replica: replicaPool, intervalMs: 100 });
  lag?.start();
  const replica =
    replicaPool && lag
      ? {
          pool: replicaPool,
          breaker: createBreaker(skierDependencies['postgres-replica']),
          lag,
          maxLagMs: skierReplicaReads.maxLagMs,
        }
      : undefined;
  const app = createApp(
    skierAppDeps({ log, pool, replica, liftRide, breakers, statsTimeoutMs: options.statsTimeoutMs }),
  );
  const server = await listen(app, { port: 0 });

  return {
    url: `http://127.0.0.1:${server.port}`,
    pool,
    replicaFresh: () => lag?.within(skierReplicaReads.maxLagMs) ?? false,
    warnings,
    close: async () => {
      await server.close(1_000);
      await liftRide.close();
      lag?.stop();
      await replicaPool?.end();
      await pool.end();
      await dropDatabase(defaultAdminUrl, settings.database);
    },
  };
}

/** A JSON request to the app; the answer's status, headers, body and how long it took. */
export async function call(
  base: string,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const started = performance.now();
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...options.headers },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body: text ? JSON.parse(text) : undefined,
    elapsedMs: performance.now() - started,
  };
}
