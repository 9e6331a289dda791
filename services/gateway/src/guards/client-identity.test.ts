import type { IncomingMessage } from 'node:http';
import { createApiKeyVerifier, issueApiKey } from '@skico/auth';
import { describe, expect, it } from 'vitest';
import { clientOf } from './client-identity.ts';

const secret = 'a-test-secret-of-at-least-thirty-two-bytes';
const identity = { trustProxyHops: 0, verifyApiKey: createApiKeyVerifier(secret) };
const request = (headers: Record<string, string>) =>
  ({ headers, socket: { remoteAddress: '203.0.113.7' } }) as unknown as IncomingMessage;

describe('client identity', () => {
  it('when a request carries a key the system issued, then the client is that key', () => {
    const { key, keyId } = issueApiKey(secret, 'acme');
    expect(clientOf(request({ 'x-api-key': key }), identity)).toBe(`key:${keyId}`);
  });

  it('when a request carries no key, an unknown one or a forged one, then the client is its address', () => {
    const forged = issueApiKey('another-secret-of-at-least-thirty-two-bytes', 'acme').key;
    for (const headers of [
      {} as Record<string, string>,
      { 'x-api-key': 'test-made-up' },
      { 'x-api-key': forged },
      { 'x-api-key': ' ' },
    ]) {
      expect(clientOf(request(headers), identity)).toBe('ip:203.0.113.7');
    }
  });
});
