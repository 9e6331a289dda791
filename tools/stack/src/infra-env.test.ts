import { describe, expect, it } from 'vitest';
import { infraDependencies } from './infra-check.ts';
import { addressesFromEnv, defaultAddresses, describeAddresses } from './infra-env.ts';
import { type ProcessSpec, processes } from './processes.ts';
import { defaultSettings, processEnv } from './stack-env.ts';

const spec = (name: string) => processes.find((p) => p.name === name) as ProcessSpec;

describe('the start command’s infrastructure addresses', () => {
  it('when no variable is set, then they are the standard loopback addresses', () => {
    expect(addressesFromEnv({ REDIS_URL: '', AMQP_URL: undefined })).toEqual(defaultAddresses);
    expect(infraDependencies().map((d) => `${d.name} ${d.host}:${d.port}`)).toEqual([
      'postgres 127.0.0.1:5432',
      'redis 127.0.0.1:6379',
      'rabbitmq 127.0.0.1:5672',
    ]);
  });

  it('when REDIS_URL, AMQP_URL and ADMIN_DATABASE_URL are set, then those servers are checked and passed on', () => {
    const a = addressesFromEnv({
      REDIS_URL: 'redis://10.0.0.7:6390',
      AMQP_URL: 'amqp://app:secret@mq.internal:5673',
      ADMIN_DATABASE_URL: 'postgres://admin:pw@db.internal:6432/postgres',
      SKICO_DATABASE: 'skico_other',
    });
    expect(infraDependencies(a).map((d) => `${d.name} ${d.host}:${d.port}`)).toEqual([
      'postgres db.internal:6432',
      'redis 10.0.0.7:6390',
      'rabbitmq mq.internal:5673',
    ]);
    const settings = { ...defaultSettings, ...a };
    for (const name of ['gateway', 'lift-ride', 'lift-ride-worker']) {
      expect(processEnv(spec(name), settings).REDIS_URL, name).toBe('redis://10.0.0.7:6390');
    }
    expect(processEnv(spec('lift-ride-worker'), settings).AMQP_URL).toBe('amqp://app:secret@mq.internal:5673');
    const database = new URL(processEnv(spec('resort'), settings).DATABASE_URL ?? '');
    expect(`${database.host}${database.pathname}`).toBe('db.internal:6432/skico_other');
  });

  it('when the addresses are printed, then each says where it came from and no password shows', () => {
    const lines = describeAddresses(addressesFromEnv({ AMQP_URL: 'amqp://app:secret@mq.internal:5673' }));
    expect(lines.join('\n')).not.toContain('secret');
    expect(lines).toContainEqual(
      expect.stringMatching(/rabbitmq: +amqp:\/\/app:\*\*\*@mq\.internal:5673 \(AMQP_URL\)/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/redis: +redis:\/\/127\.0\.0\.1:6379 \(default\)/));
  });

  it('when AMQP_URL lists the nodes of a cluster, then the first node is checked, the list is passed on whole and no password shows', () => {
    const nodes = 'amqp://app:secret@mq-0.internal:5673,amqp://app:secret@mq-1.internal:5674';
    const a = addressesFromEnv({ AMQP_URL: nodes });
    expect(infraDependencies(a).find((d) => d.name === 'rabbitmq')).toMatchObject({
      host: 'mq-0.internal',
      port: 5673,
    });
    expect(processEnv(spec('lift-ride'), { ...defaultSettings, ...a }).AMQP_URL).toBe(nodes);
    const lines = describeAddresses(a).join('\n');
    expect(lines).not.toContain('secret');
    expect(lines).toContain('amqp://app:***@mq-0.internal:5673,amqp://app:***@mq-1.internal:5674 (AMQP_URL)');
    expect(() => addressesFromEnv({ AMQP_URL: `${nodes},mq-2.internal` })).toThrow(/AMQP_URL is not a URL/);
  });

  it('when a URL does not parse, then the error names the variable', () => {
    expect(() => addressesFromEnv({ REDIS_URL: '127.0.0.1:6379' })).toThrow(/REDIS_URL is not a URL/);
  });
});
