import { describe, expect, it } from 'vitest';
import { createApiKeyVerifier, issueApiKey } from './api-keys.ts';

const secret = 'a-test-secret-of-at-least-thirty-two-bytes';

describe('API keys', () => {
  it('when a key was issued with the secret, then the verifier returns its key id', () => {
    const { key, keyId } = issueApiKey(secret, 'acme');
    expect(keyId).toMatch(/^acme\./);
    expect(createApiKeyVerifier(secret)(key)).toBe(keyId);
  });

  it('when two keys are issued for one name, then they are different identities', () => {
    const [a, b] = [issueApiKey(secret, 'acme'), issueApiKey(secret, 'acme')];
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.key).not.toBe(b.key);
  });

  it('when a key was signed with another secret, tampered with or made up, then it is not verified', () => {
    const verify = createApiKeyVerifier(secret);
    const { key, keyId } = issueApiKey(secret, 'acme');
    const other = issueApiKey(`${secret}-rotated`, 'acme').key;
    const mac = key.slice(key.lastIndexOf('.') + 1);
    const flipped = `${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
    // The same MAC bytes spelled otherwise: the last of 43 base64url characters carries 2 spare bits.
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.indexOf(key.at(-1) as string);
    const respelled = `${key.slice(0, -1)}${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'[last | 1]}`;
    for (const forged of [
      other,
      flipped,
      respelled,
      `sk_evil.${keyId.split('.')[1]}.${mac}`,
      `sk_${keyId}`,
      `${key}x`,
      `sk_${keyId}.${'A'.repeat(43)}`,
      'test-2a1f0c54-8c8f-4a4e-9c39-9a1cbe44b9f6',
      '',
    ]) {
      expect(verify(forged), forged).toBeUndefined();
    }
  });

  it('when a name is not lower-case letters, digits and dashes, then no key is issued', () => {
    for (const name of ['', 'Acme', 'a.b', 'a b', 'x'.repeat(33)]) {
      expect(() => issueApiKey(secret, name), name).toThrow(/name/);
    }
  });
});
