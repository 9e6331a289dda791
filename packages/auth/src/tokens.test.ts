import { isAppError } from '@skico/errors';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { authorize, mintToken, verifyBearer } from './tokens.ts';

const settings = {
  secret: 'a-test-secret-that-is-at-least-32-bytes-long',
  issuer: 'skico-test',
  audience: 'skico-api',
};
const status = async (p: Promise<unknown>) => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    return isAppError(e) ? e.kind : 'other';
  }
};

describe('bearer tokens', () => {
  it('when a minted token is verified, then its subject and roles come back', async () => {
    const token = await mintToken(settings, { subject: '42', roles: ['skier'] });
    expect(await verifyBearer(`Bearer ${token}`, settings)).toEqual({ subject: '42', roles: ['skier'] });
  });

  it('when the header is missing or malformed, then it is unauthenticated', async () => {
    expect(await status(verifyBearer(undefined, settings))).toBe('unauthenticated');
    expect(await status(verifyBearer('Basic abc', settings))).toBe('unauthenticated');
  });

  it('when the token is unsigned (alg none), then it is refused', async () => {
    const token = new UnsecuredJWT({ roles: ['admin'] })
      .setSubject('x')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setExpirationTime('1h')
      .encode();
    expect(await status(verifyBearer(`Bearer ${token}`, settings))).toBe('unauthenticated');
  });

  it('when the token is signed with another algorithm, then it is refused', async () => {
    const token = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('x')
      .setIssuer(settings.issuer)
      .setAudience(settings.audience)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(settings.secret));
    expect(await status(verifyBearer(`Bearer ${token}`, settings))).toBe('unauthenticated');
  });

  it('when issuer, audience, secret, expiry or not-before is wrong, then it is refused', async () => {
    const cases = [
      mintToken({ ...settings, issuer: 'elsewhere' }, { subject: '1', roles: ['admin'] }),
      mintToken({ ...settings, audience: 'other-api' }, { subject: '1', roles: ['admin'] }),
      mintToken(
        { ...settings, secret: 'another-secret-that-is-also-32-bytes-long!' },
        { subject: '1', roles: ['admin'] },
      ),
      mintToken(settings, { subject: '1', roles: ['admin'], expiresIn: '-1m' }),
      mintToken(settings, { subject: '1', roles: ['admin'], notBefore: '10m' }),
    ];
    for (const token of await Promise.all(cases)) {
      expect(await status(verifyBearer(`Bearer ${token}`, settings))).toBe('unauthenticated');
    }
  });

  it('when a skier acts on their own profile, then it is allowed; on another, it is forbidden', () => {
    const skier = { subject: '42', roles: ['skier' as const] };
    expect(() => authorize(skier, 'owner-or-admin', '42')).not.toThrow();
    expect(() => authorize(skier, 'owner-or-admin', '43')).toThrow(/owner/);
    expect(() => authorize(skier, 'admin')).toThrow(/administrators/);
    expect(() => authorize({ subject: 'ops', roles: ['admin'] }, 'owner-or-admin', '43')).not.toThrow();
  });
});
