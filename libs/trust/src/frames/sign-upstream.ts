import type { PrivateSigningJwk } from '../keys/key-schemas';
import { signJwt } from '../jwt/sign-jwt';
import { DISPATCHER, UPSTREAM_TYP } from './frame-types';

export interface SignUpstreamOptions {
  /** This gateway's id: the issuer. */
  readonly gatewayId: string;
  /** This gateway's current private signing key. */
  readonly signingKey: PrivateSigningJwk;
  readonly now?: Date;
  /** How long the dispatcher accepts it (default 300 s); the outbox signs each send afresh. */
  readonly ttlSeconds?: number;
}

/**
 * Signs an upstream frame's body (an outcome, a modality event) for the dispatcher: an ES256 JWT
 * with `{ iss: gatewayId, aud: 'relay-dispatcher', iat, exp, jti, body }`. Not encrypted: it
 * carries ids and outcomes, nothing that identifies a participant.
 */
export function signUpstream(body: object, options: SignUpstreamOptions): Promise<string> {
  return signJwt(
    { body },
    {
      typ: UPSTREAM_TYP,
      issuer: options.gatewayId,
      audience: DISPATCHER,
      signingKey: options.signingKey,
      now: options.now,
      ttlSeconds: options.ttlSeconds,
    },
  );
}
