import { AppError } from '@mbs/errors';
import { jose, type JwtPayload } from '../jose';
import type { Jwks, PublicJwk } from '../keys/key-schemas';
import { epochSeconds, wholeSeconds } from './epoch';
import { keyByKid, UnknownKeyFailure } from './key-lookup';

/** Clock skew tolerated between signer and verifier unless a caller says otherwise. */
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 60;

/** Why a token was refused, in the terms each caller maps to its own error codes. */
export type JwtRefusalKind = 'signature' | 'audience' | 'issuer' | 'expired';

export interface JwtRefusal {
  readonly kind: JwtRefusalKind;
  /** What is wrong, naming no claim value and nothing of the payload. */
  readonly detail: string;
}

export type JwtVerification =
  | { readonly ok: true; readonly payload: JwtPayload }
  | { readonly ok: false; readonly refusal: JwtRefusal };

export interface VerifyJwtOptions {
  readonly typ: string;
  readonly issuer: string;
  readonly audience: string;
  /** Accepted signing keys; a token is checked only against the key its kid names. */
  readonly keys: Jwks<PublicJwk>;
  readonly now?: Date;
  readonly clockToleranceSeconds?: number;
}

/**
 * Verifies a compact JWT: the signature first (ES256 only, by the key its kid names), then
 * typ, iss, aud, exp, and an iat not in the future; iat, exp and jti must be present.
 * Refusals are returned, not thrown, so each caller words them in its own codes.
 */
export async function verifyJwt(
  compact: string,
  options: VerifyJwtOptions,
): Promise<JwtVerification> {
  const now = options.now ?? new Date();
  const tolerance = wholeSeconds(
    'clockToleranceSeconds',
    options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
  );
  try {
    const { payload } = await jose.jwtVerify(compact, keyByKid(options.keys, 'sig'), {
      algorithms: ['ES256'],
      typ: options.typ,
      issuer: options.issuer,
      audience: options.audience,
      currentDate: now,
      clockTolerance: tolerance,
      requiredClaims: ['iat', 'exp', 'jti'],
    });
    if ((payload.iat as number) > epochSeconds(now) + tolerance) {
      return refused('expired', 'was issued in the future');
    }
    return { ok: true, payload } as const;
  } catch (error) {
    return { ok: false, refusal: classifyJoseFailure(error) } as const;
  }
}

function refused(kind: JwtRefusalKind, detail: string): JwtVerification {
  return { ok: false, refusal: { kind, detail } };
}

/**
 * jose's failure as a refusal. Its own messages are not passed on: some quote header values,
 * and a claim failure carries the whole payload.
 */
export function classifyJoseFailure(error: unknown): JwtRefusal {
  if (error instanceof UnknownKeyFailure) return { kind: 'signature', detail: error.detail };
  // A configuration problem of ours (a key set without the key needed) is not the token's fault.
  if (error instanceof AppError) throw error;
  const { code, claim, reason } = (error ?? {}) as {
    code?: string;
    claim?: string;
    reason?: string;
  };
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return { kind: 'expired', detail: 'has expired' };
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (reason === 'missing') return { kind: 'signature', detail: `lacks its "${claim}" claim` };
      if (reason !== 'check_failed') return malformed(claim);
      if (claim === 'aud') return { kind: 'audience', detail: 'is addressed to someone else' };
      if (claim === 'iss') return { kind: 'issuer', detail: 'names another issuer' };
      if (claim === 'nbf' || claim === 'iat')
        return { kind: 'expired', detail: 'is not yet valid' };
      if (claim === 'typ') return { kind: 'signature', detail: 'is another kind of token (typ)' };
      return malformed(claim);
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return { kind: 'signature', detail: 'is not signed with ES256' };
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return { kind: 'signature', detail: 'has a signature that does not verify' };
    default:
      return { kind: 'signature', detail: 'is malformed' };
  }
}

function malformed(claim: string | undefined): JwtRefusal {
  return { kind: 'signature', detail: `has an invalid "${claim}" claim` };
}
