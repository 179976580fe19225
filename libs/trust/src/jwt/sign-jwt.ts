import { randomUUID } from 'node:crypto';
import { jose } from '../jose';
import type { PrivateSigningJwk } from '../keys/key-schemas';
import { epochSeconds, wholeSeconds } from './epoch';

/** How long a token lives unless a caller says otherwise: long enough for a clock skew, no more. */
export const DEFAULT_TTL_SECONDS = 300;

export interface SignJwtOptions {
  /** The header's `typ`, which tells one kind of token from another signed by the same key. */
  readonly typ: string;
  readonly issuer: string;
  readonly audience: string;
  readonly subject?: string;
  readonly signingKey: PrivateSigningJwk;
  readonly now?: Date;
  readonly ttlSeconds?: number;
}

/**
 * A compact ES256 JWT over `claims` plus iss, aud, (sub,) iat, exp and a fresh random jti, with
 * the signing key's kid in the header. Every call signs afresh.
 */
export async function signJwt(claims: Record<string, unknown>, options: SignJwtOptions) {
  const iat = epochSeconds(options.now ?? new Date());
  const ttl = wholeSeconds('ttlSeconds', options.ttlSeconds ?? DEFAULT_TTL_SECONDS);
  const jwt = new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'ES256', typ: options.typ, kid: options.signingKey.kid })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .setJti(randomUUID());
  if (options.subject !== undefined) jwt.setSubject(options.subject);
  return jwt.sign(options.signingKey);
}
