import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** Checks an X-Api-Key value: its key id when the system issued it, else undefined. */
export type ApiKeyVerifier = (key: string) => string | undefined;

const namePattern = /^[a-z0-9][a-z0-9-]{0,31}$/;
// sk_<name>.<random id>.<HMAC-SHA256 of "<name>.<random id>">, all base64url after the prefix.
const keyPattern = /^sk_([a-z0-9][a-z0-9-]{0,31}\.[A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/;
// The MAC covers a label as well, so a signature made with the same secret for another purpose never
// passes as an API key.
const label = 'skico-api-key:v1:';

const mac = (secret: string, keyId: string) =>
  createHmac('sha256', secret)
    .update(label + keyId)
    .digest();

/**
 * Issues an API key for a client: a random key id with the client's name in it, signed with `secret`, so
 * that the gateway verifies it from the secret alone (no store, no database round trip).
 * @throws Error when the name is not 1-32 lower-case letters, digits or dashes.
 */
export function issueApiKey(secret: string, name: string): { key: string; keyId: string } {
  if (!namePattern.test(name)) throw new Error('An API key name is 1-32 lower-case letters, digits or dashes.');
  const keyId = `${name}.${randomBytes(12).toString('base64url')}`;
  return { key: `sk_${keyId}.${mac(secret, keyId).toString('base64url')}`, keyId };
}

/** A verifier of the keys issued with `secret`: one HMAC per call, compared in constant time. */
export function createApiKeyVerifier(secret: string): ApiKeyVerifier {
  return (key) => {
    const match = keyPattern.exec(key);
    if (!match?.[1] || !match[2]) return undefined;
    const given = Buffer.from(match[2], 'base64url');
    // Only the issued spelling of a MAC: base64url's last character carries spare bits, and a decoder ignores
    // them, so four spellings would decode to the same bytes (one key, several strings).
    if (given.toString('base64url') !== match[2]) return undefined;
    const expected = mac(secret, match[1]);
    return given.length === expected.length && timingSafeEqual(given, expected) ? match[1] : undefined;
  };
}
