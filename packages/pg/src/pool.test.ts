import { createLogger } from '@skico/log';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool, IDLE_SESSION_MS } from './pool.ts';

const pool = createPool({
  url: 'postgres://postgres@127.0.0.1:5432/postgres',
  applicationName: 'pool-test',
  log: createLogger({ service: 'pool-test', level: 'silent' }),
});
afterAll(() => pool.end());

describe('a pool connection', () => {
  it('has every server-side wait bounded, including an idle session whose client vanished', async () => {
    const shown = async (name: string) => (await pool.query(`SHOW ${name}`)).rows[0][name];
    expect(await shown('idle_session_timeout')).toBe(`${IDLE_SESSION_MS / 60_000}min`);
    expect(await shown('idle_in_transaction_session_timeout')).toBe('10s');
    expect(await shown('statement_timeout')).toBe('5s');
  });
});
