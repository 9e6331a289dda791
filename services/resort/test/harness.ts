import { createResponseValidator } from '@skico/contracts';
import { listen } from '@skico/http';
import { createLogger } from '@skico/log';
import { createPool, dropDatabase, type Pool } from '@skico/pg';
import { createBreaker } from '@skico/resilience';
import { databaseUrl, defaultAdminUrl, prepareDatabase, serviceSchemas } from '@skico/stack';
import { uniqueName } from '@skico/test-kit';
import { createApp } from '../src/app.ts';
import { resortAppDeps } from '../src/composition.ts';
import { resortDependencies } from '../src/resilience.ts';

export interface ResortHarness {
  /** The service's base URL. */
  url: string;
  /** A pool on the service's own schema, for asserting rows. */
  pool: Pool;
  /**
   * fetch against the service with a JSON body; `body` is the parsed JSON, or undefined when empty.
   * @throws when the answer departs from the contract (an undocumented status, a body of the wrong shape).
   */
  call: (method: string, path: string, options?: CallOptions) => Promise<Answer>;
  /** Creates a resort of this test run and returns its id. */
  newResort: (prefix?: string) => Promise<number>;
  close: () => Promise<void>;
}

export interface CallOptions {
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read answers of many shapes and assert them with expect.
  body: any;
  text: string;
}

/** A resort service on a database of this run alone: created, migrated and seeded here, dropped by close. */
export async function startResortHarness(): Promise<ResortHarness> {
  const settings = { postgres: '127.0.0.1:5432', database: uniqueName('skico_t') };
  await prepareDatabase(settings);
  const schema = serviceSchemas.find((s) => s.service === 'resort');
  if (!schema) throw new Error('no resort schema in the stack');
  const log = createLogger({ service: 'resort', level: 'silent' });
  const pool = createPool({ url: databaseUrl(settings, schema), applicationName: 'resort-test', log });
  const app = createApp(resortAppDeps({ log, pool, postgres: createBreaker(resortDependencies.postgres) }));
  const server = await listen(app, { port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const conforms = createResponseValidator();

  const call = async (method: string, path: string, options: CallOptions = {}): Promise<Answer> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : undefined,
      text,
    };
    const violations = conforms({
      method,
      path,
      status: answer.status,
      body: answer.body,
      contentType: response.headers.get('content-type') ?? undefined,
    });
    if (violations.length > 0) throw new Error(`answer departs from the contract:\n${violations.join('\n')}`);
    return answer;
  };

  const newResort = async (prefix = 'Test Resort') => {
    const answer = await call('POST', '/resorts', { body: { resortName: uniqueName(prefix) } });
    if (answer.status !== 201) throw new Error(`creating a resort answered ${answer.status}: ${answer.text}`);
    return answer.body.resortID as number;
  };

  const close = async () => {
    await server.close(1_000);
    await pool.end();
    await dropDatabase(defaultAdminUrl, settings.database);
  };

  return { url, pool, call, newResort, close };
}

/** A resort id that no test creates: the identity sequence of a fresh database stays far below it. */
export const unknownResortID = 2_000_000_000;
