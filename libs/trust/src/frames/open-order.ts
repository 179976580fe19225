import { jose } from '../jose';
import { keyByKid, UnknownKeyFailure } from '../jwt/key-lookup';
import { verifyJwt } from '../jwt/verify-jwt';
import type { Jwks, PrivateJwk, PublicJwk } from '../keys/key-schemas';
import { FrameRefusedError } from './frame-refused-error';
import { frameClaims } from './frame-verification';
import { DISPATCHER, ORDER_TYP } from './frame-types';
import { OrderClaims } from './order-claims';

export interface OpenOrderOptions {
  /** This gateway's id: the audience the order must name. */
  readonly gatewayId: string;
  /** What the readable deliver frame says; the signed claims must say the same. */
  readonly expected: {
    readonly messageId: string;
    /** Checked when given (a frame from a dispatcher that does not count resends omits it). */
    readonly resend?: number;
    readonly attempt?: number;
  };
  /** The dispatcher's PUBLIC signing keys (current and next): any of them is accepted, by kid. */
  readonly dispatcherKeys: Jwks<PublicJwk>;
  /** This gateway's private keys; the order's kid picks the encryption key. */
  readonly privateKeys: Jwks<PrivateJwk>;
  readonly now?: Date;
  /** Clock skew accepted on iat and exp (default 60 s). */
  readonly clockToleranceSeconds?: number;
}

export interface OpenedOrder {
  /** The decrypted secret, as sealed: the caller validates it with its schema. */
  readonly secret: unknown;
  /** The signed claims, without the ciphertext. */
  readonly claims: Omit<OrderClaims, 'order'>;
}

const FRAME = 'order frame';

/**
 * Opens a sealed order, in the order that keeps a refusal cheap and safe: verify the signature
 * (by the dispatcher key its kid names), the audience (this gateway), the issuer and the time;
 * check the signed messageId (and resend) against the readable frame; and only then decrypt.
 * Throws FrameRefusedError with the reason the dispatcher records.
 */
export async function openOrder(compact: string, options: OpenOrderOptions): Promise<OpenedOrder> {
  const payload = frameClaims(
    FRAME,
    await verifyJwt(compact, {
      typ: ORDER_TYP,
      issuer: DISPATCHER,
      audience: options.gatewayId,
      keys: options.dispatcherKeys,
      now: options.now,
      clockToleranceSeconds: options.clockToleranceSeconds,
    }),
  );
  const parsed = OrderClaims.safeParse(payload);
  if (!parsed.success) {
    throw new FrameRefusedError('bad_signature', `${FRAME} refused: its claims are malformed`);
  }
  const { order, ...claims } = parsed.data;
  const { expected } = options;
  const differing = [
    claims.messageId !== expected.messageId && 'messageId',
    expected.resend !== undefined && claims.resend !== expected.resend && 'resend',
    expected.attempt !== undefined && claims.attempt !== expected.attempt && 'attempt',
  ].filter(Boolean);
  if (differing.length > 0) {
    throw new FrameRefusedError(
      'mismatched_claims',
      `${FRAME} refused: its signed claims differ from the frame's ${differing.join(' and ')}`,
    );
  }
  return { secret: await decryptOrder(order, options.privateKeys), claims };
}

async function decryptOrder(order: string, privateKeys: Jwks<PrivateJwk>): Promise<unknown> {
  let plaintext: Uint8Array;
  try {
    ({ plaintext } = await jose.compactDecrypt(order, keyByKid(privateKeys, 'enc'), {
      keyManagementAlgorithms: ['ECDH-ES'],
      contentEncryptionAlgorithms: ['A256GCM'],
    }));
  } catch (error) {
    throw new FrameRefusedError(
      'undecryptable',
      error instanceof UnknownKeyFailure
        ? // Said apart from a tampered order: during a key rotation it is the one to look for.
          `${FRAME} refused: its order is encrypted to a key this gateway does not hold`
        : `${FRAME} refused: its order does not decrypt (tampered or malformed)`,
    );
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(plaintext));
  } catch {
    throw new FrameRefusedError('undecryptable', `${FRAME} refused: its order is not JSON`);
  }
}
