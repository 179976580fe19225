import type { PrivateSigningJwk } from '../keys/key-schemas';
import { signJwt } from '../jwt/sign-jwt';
import { ACK_TYP, DISPATCHER } from './frame-types';

/**
 * How long a gateway accepts an ack unless the signer says otherwise: it answers an event frame
 * at once, so a minute (plus the verifier's clock tolerance) is ample and a captured ack is soon
 * worthless.
 */
export const ACK_TTL_SECONDS = 60;

export interface SignAckOptions {
  /** The gateway whose event is acknowledged: the token's audience. */
  readonly gatewayId: string;
  /** The dispatcher's private signing key (the one it seals orders with). */
  readonly signingKey: PrivateSigningJwk;
  readonly now?: Date;
  /** How long the gateway accepts it (default 60 s). Each ack is signed afresh. */
  readonly ttlSeconds?: number;
}

/**
 * Signs the dispatcher's ack of an upstream event (an UpstreamAck: eventId, status, reason,
 * code) for one gateway: an ES256 JWT (`typ: 'mbs-ack+jwt'`) with
 * `{ iss: 'relay-dispatcher', aud: gatewayId, iat, exp, jti, ack }`. Signed, not encrypted: it
 * carries an event id and a status. Without it anyone holding a relay Send key could make a
 * gateway drop an event (`accepted`) or stop sending it (`refused`).
 */
export function signAck(ack: { readonly eventId: string }, options: SignAckOptions) {
  return signJwt(
    { ack },
    {
      typ: ACK_TYP,
      issuer: DISPATCHER,
      audience: options.gatewayId,
      signingKey: options.signingKey,
      now: options.now,
      ttlSeconds: options.ttlSeconds ?? ACK_TTL_SECONDS,
    },
  );
}
