import { AppError } from '@skico/errors';
import { errors, jwtVerify, SignJWT } from 'jose';

export type Role = 'admin' | 'skier';

export interface Identity {
  /** The token subject: a skier id for skiers, an operator name for admins. */
  subject: string;
  roles: Role[];
}

export interface TokenSettings {
  /** HMAC key (HS256); at least 32 bytes. */
  secret: string;
  issuer: string;
  audience: string;
  /**
   * The clock that expiry and not-before are judged by (ms since the epoch); the process's by default. The
   * gateway passes Redis's clock, shared by its replicas, so that its own clock's skew does not matter.
   */
  now?: () => number;
}

/**
 * Leeway on a token's expiry and not-before, in seconds: for the issuer's clock against the verifier's
 * (the gateway's is Redis's, see `now`), within which a token is judged as by one clock.
 */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 5;

/** The only algorithm accepted: `none` and algorithm confusion are refused by construction. */
export const TOKEN_ALGORITHM = 'HS256';

const key = (secret: string) => new TextEncoder().encode(secret);

/** Signs a token for development and tests (the README shows the command that wraps it). */
export async function mintToken(
  settings: TokenSettings,
  claims: { subject: string; roles: Role[]; expiresIn?: string | number; notBefore?: string | number },
): Promise<string> {
  const jwt = new SignJWT({ roles: claims.roles })
    .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT' })
    .setSubject(claims.subject)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? '1h');
  if (claims.notBefore !== undefined) jwt.setNotBefore(claims.notBefore);
  return jwt.sign(key(settings.secret));
}

const unauthenticated = (message: string) =>
  new AppError('unauthenticated', 'UNAUTHENTICATED', message, { extras: {} });

/**
 * Verifies a bearer token: algorithm, signature, issuer, audience, expiry and not-before.
 * @throws AppError unauthenticated (401) when the header is missing or the token is not valid.
 */
export async function verifyBearer(header: string | undefined, settings: TokenSettings): Promise<Identity> {
  if (!header) throw unauthenticated('This route needs a bearer token (Authorization: Bearer <JWT>).');
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/.exec(header);
  if (!match?.[1]) throw unauthenticated('The Authorization header must be "Bearer <JWT>".');
  try {
    const { payload } = await jwtVerify(match[1], key(settings.secret), {
      algorithms: [TOKEN_ALGORITHM],
      issuer: settings.issuer,
      audience: settings.audience,
      requiredClaims: ['sub', 'exp'],
      clockTolerance: TOKEN_CLOCK_TOLERANCE_SECONDS,
      currentDate: settings.now ? new Date(settings.now()) : undefined,
    });
    const roles = Array.isArray(payload.roles)
      ? payload.roles.filter((r): r is Role => r === 'admin' || r === 'skier')
      : [];
    return { subject: String(payload.sub), roles };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw unauthenticated('The token has expired.');
    if (err instanceof errors.JWTClaimValidationFailed)
      throw unauthenticated(`The token is not valid here: ${err.claim} check failed.`);
    throw unauthenticated('The token is not valid.');
  }
}

/**
 * Whether an identity may use a route of the given access level.
 * @throws AppError forbidden (403) when it may not.
 */
export function authorize(identity: Identity, access: 'admin' | 'owner-or-admin', ownerSubject?: string): void {
  if (identity.roles.includes('admin')) return;
  if (access === 'owner-or-admin' && ownerSubject !== undefined && identity.subject === ownerSubject) return;
  throw new AppError(
    'forbidden',
    'FORBIDDEN',
    access === 'admin'
      ? 'This route is for administrators.'
      : 'Only the profile owner or an administrator may do this.',
  );
}
