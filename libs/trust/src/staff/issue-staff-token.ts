import type { PrivateSigningJwk } from '../keys/key-schemas';
import { signJwt } from '../jwt/sign-jwt';
import {
  STAFF_TOKEN_ISSUER,
  STAFF_TOKEN_TYP,
  type StaffAudience,
  type StaffIdentity,
} from './staff-identity';

export interface IssueStaffTokenOptions extends StaffIdentity {
  /** The one service the token is for. */
  readonly audience: StaffAudience;
  /** web's private signing key. */
  readonly signingKey: PrivateSigningJwk;
  /** Minutes, not hours (default 300 s): a token cannot be revoked, only outlived. */
  readonly ttlSeconds?: number;
  readonly now?: Date;
}

/**
 * A short-lived access token web issues for a signed-in member of staff calling one service:
 * an ES256 JWT, `typ: 'at+jwt'`, `{ iss: 'web', sub, aud, iat, exp, jti, name, role }`.
 */
export function issueStaffToken(options: IssueStaffTokenOptions): Promise<string> {
  return signJwt(
    { name: options.name, role: options.role },
    {
      typ: STAFF_TOKEN_TYP,
      issuer: STAFF_TOKEN_ISSUER,
      audience: options.audience,
      subject: options.subject,
      signingKey: options.signingKey,
      now: options.now,
      ttlSeconds: options.ttlSeconds,
    },
  );
}
