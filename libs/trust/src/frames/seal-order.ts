import { jose } from '../jose';
import { KeyRing } from '../keys/key-ring';
import type { Jwks, PrivateSigningJwk, PublicJwk } from '../keys/key-schemas';
import { signJwt } from '../jwt/sign-jwt';
import { DISPATCHER, ORDER_TYP } from './frame-types';

export interface SealOrderOptions {
  /** Everything that identifies the participant (the payload and every such field): encrypted. */
  readonly secret: object;
  readonly messageId: string;
  /** The gateway the order is for: the token's audience. */
  readonly gatewayId: string;
  /** How many times staff resent the message (0 on its first send). */
  readonly resend: number;
  readonly attempt?: number;
  /** The dispatcher's private signing key. */
  readonly signingKey: PrivateSigningJwk;
  /** The gateway's registered PUBLIC keys; the order is encrypted to its first encryption key. */
  readonly recipientKeys: Jwks<PublicJwk>;
  readonly now?: Date;
  /** How long the gateway accepts it (default 300 s). Each retry is sealed afresh. */
  readonly ttlSeconds?: number;
}

/**
 * Seals an order for one gateway: signed outside, encrypted inside. The secret is encrypted
 * (ECDH-ES, A256GCM) to the gateway's current encryption key as a compact JWE, which rides as the
 * `order` claim of an ES256 JWT signed by the dispatcher with messageId, resend, audience
 * (gatewayId), iat, exp and a fresh jti. So the gateway refuses a wrong audience, an expired
 * frame or a bad signature before it decrypts anything, and the relay sees no patient data.
 */
export async function sealOrder(options: SealOrderOptions): Promise<string> {
  const recipient = KeyRing.of(options.recipientKeys).current(
    'enc',
    `gateway ${options.gatewayId}`,
  );
  const order = await new jose.CompactEncrypt(
    new TextEncoder().encode(JSON.stringify(options.secret)),
  )
    .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: recipient.kid, cty: 'json' })
    .encrypt(recipient);
  return signJwt(
    {
      messageId: options.messageId,
      resend: options.resend,
      ...(options.attempt !== undefined && { attempt: options.attempt }),
      order,
    },
    {
      typ: ORDER_TYP,
      issuer: DISPATCHER,
      audience: options.gatewayId,
      signingKey: options.signingKey,
      now: options.now,
      ttlSeconds: options.ttlSeconds,
    },
  );
}
