import type { Jwks, PublicJwk } from '../keys/key-schemas';
import { verifyJwt, type JwtRefusalKind } from '../jwt/verify-jwt';
import { StaffTokenError, type StaffTokenProblem } from './staff-auth-errors';
import {
  STAFF_TOKEN_ISSUER,
  STAFF_TOKEN_TYP,
  StaffIdentity,
  type StaffAudience,
} from './staff-identity';

export interface VerifyStaffTokenOptions {
  /** The service verifying: the audience the token must name. */
  readonly audience: StaffAudience;
  /** web's PUBLIC signing keys (current and next). */
  readonly keys: Jwks<PublicJwk>;
  readonly now?: Date;
  /** Clock skew accepted on iat and exp (default 60 s). */
  readonly clockToleranceSeconds?: number;
}

const PROBLEMS: Readonly<Record<JwtRefusalKind, StaffTokenProblem>> = {
  signature: 'token_invalid',
  // Only web issues staff tokens: another issuer is a token of something else.
  issuer: 'token_invalid',
  audience: 'token_wrong_audience',
  expired: 'token_expired',
};

/** The token of an `Authorization: Bearer <token>` header; undefined for none or another scheme. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const match = /^Bearer +([^ ]+) *$/i.exec(authorization ?? '');
  return match?.[1];
}

/**
 * The member of staff a token speaks for, once it verifies (signature by one of web's keys,
 * typ, issuer, this service as audience, not expired). Throws StaffTokenError (401) otherwise.
 */
export async function verifyStaffToken(
  token: string | undefined,
  options: VerifyStaffTokenOptions,
): Promise<StaffIdentity> {
  if (!token) throw new StaffTokenError('token_missing', 'A bearer token is required');
  const verification = await verifyJwt(token, {
    typ: STAFF_TOKEN_TYP,
    issuer: STAFF_TOKEN_ISSUER,
    audience: options.audience,
    keys: options.keys,
    now: options.now,
    clockToleranceSeconds: options.clockToleranceSeconds,
  });
  if (!verification.ok) {
    const { kind, detail } = verification.refusal;
    throw new StaffTokenError(PROBLEMS[kind], `The bearer token ${detail}`);
  }
  const { sub, name, role } = verification.payload;
  const identity = StaffIdentity.safeParse({ subject: sub, name, role });
  if (!identity.success) {
    throw new StaffTokenError('token_invalid', 'The bearer token does not name a member of staff');
  }
  return identity.data;
}
