import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { optionalUrl, port, positiveInt, processFields, url, urlList } from './fields.ts';
import { ConfigError, describeConfig, isConfigError, loadConfig } from './load-config.ts';

const schema = z.object({
  APP_PORT: port(8080, 'Port.'),
  APP_URL: url('redis://127.0.0.1:6379', ['redis'], 'Redis.'),
  APP_SIZE: positiveInt(5, 'Size.'),
});

describe('loadConfig', () => {
  it('when nothing is set, then every default applies', () => {
    expect(loadConfig(schema, {})).toEqual({ APP_PORT: 8080, APP_URL: 'redis://127.0.0.1:6379', APP_SIZE: 5 });
  });

  it('when a variable is empty, then it counts as unset', () => {
    expect(loadConfig(schema, { APP_PORT: '' }).APP_PORT).toBe(8080);
  });

  it('when values are set, then they are coerced to their types', () => {
    expect(loadConfig(schema, { APP_PORT: '9000', APP_SIZE: '7' })).toMatchObject({ APP_PORT: 9000, APP_SIZE: 7 });
  });

  it('when values are malformed, then the error names every bad variable', () => {
    let caught: unknown;
    try {
      loadConfig(schema, { APP_PORT: 'eighty', APP_URL: 'http://x', APP_SIZE: '-1' });
    } catch (e) {
      caught = e;
    }
    expect(isConfigError(caught)).toBe(true);
    const error = caught as ConfigError;
    expect(error.issues.map((i) => i.variable).sort()).toEqual(['APP_PORT', 'APP_SIZE', 'APP_URL']);
    expect(error.message).toContain('APP_URL: must be a URL with protocol redis');
  });

  it('when a port is out of range, then it is rejected', () => {
    expect(() => loadConfig(schema, { APP_PORT: '70000' })).toThrow(ConfigError);
  });

  it('when the schema is described, then each row has its default and description', () => {
    expect(describeConfig(schema)).toContainEqual({ variable: 'APP_PORT', default: '8080', description: 'Port.' });
  });
});

describe('optional URLs', () => {
  const tracing = z.object({ ENDPOINT: optionalUrl(['http', 'https'], 'Receiver.') });

  it('when an optional URL is unset or empty, then it is empty (the feature is off)', () => {
    expect(loadConfig(tracing, {}).ENDPOINT).toBe('');
    expect(loadConfig(tracing, { ENDPOINT: '' }).ENDPOINT).toBe('');
  });

  it('when an optional URL is set, then it must be a URL with an allowed protocol', () => {
    expect(loadConfig(tracing, { ENDPOINT: 'http://jaeger:4318' }).ENDPOINT).toBe('http://jaeger:4318');
    expect(() => loadConfig(tracing, { ENDPOINT: 'jaeger:4318' })).toThrow(/ENDPOINT: must be empty or a URL/);
    expect(() => loadConfig(tracing, { ENDPOINT: 'grpc://jaeger:4317' })).toThrow(ConfigError);
  });

  it('when a process reads its common variables, then tracing is off and the service name is left to the process', () => {
    expect(loadConfig(z.object(processFields()), {})).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      OTEL_SERVICE_NAME: '',
    });
  });

  it('when a URL list is set, then each URL is checked and one URL alone is a list', () => {
    const lists = z.object({ UP_URL: urlList('http://127.0.0.1:1', ['http'], 'Replicas.') });
    expect(loadConfig(lists, { UP_URL: 'http://a:1, http://b:2' }).UP_URL).toBe('http://a:1, http://b:2');
    expect(loadConfig(lists, {}).UP_URL).toBe('http://127.0.0.1:1');
    expect(() => loadConfig(lists, { UP_URL: 'http://a:1,redis://b:2' })).toThrow(/UP_URL/);
  });
});
