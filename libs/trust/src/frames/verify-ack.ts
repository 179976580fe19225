import type { Jwks, PublicJwk } from '../keys/key-schemas';
import { verifyJwt } from '../jwt/verify-jwt';
import { FrameRefusedError } from './frame-refused-error';
import { frameClaims } from './frame-verification';
import { ACK_TYP, DISPATCHER } from './frame-types';

export interface VerifyAckOptions {
  /** This gateway's id: the audience the ack must name. */
  readonly gatewayId: string;
  /** What the readable ack frame says; the signed ack must say the same. */
  readonly expected: { readonly eventId: string };
  /** The dispatcher's PUBLIC signing keys (current and next): any of them is accepted, by kid. */
  readonly dispatcherKeys: Jwks<PublicJwk>;
  readonly now?: Date;
  /** Clock skew accepted on iat and exp (default 60 s). */
  readonly clockToleranceSeconds?: number;
}

const FRAME = 'ack frame';

/**
 * Verifies the dispatcher's ack of an upstream event and returns the ack it signed, unvalidated
 * (the caller parses it with UpstreamAck), once its signed event id is the readable one. Throws
 * FrameRefusedError: `bad_signature` (unsigned, an unknown or wrong key, another kind of token,
 * no ack), `wrong_audience` (for another gateway, or not from the dispatcher), `expired`,
 * `mismatched_claims` (it acknowledges another event than the frame says).
 */
export async function verifyAck(compact: string, options: VerifyAckOptions): Promise<unknown> {
  const payload = frameClaims(
    FRAME,
    await verifyJwt(compact, {
      typ: ACK_TYP,
      issuer: DISPATCHER,
      audience: options.gatewayId,
      keys: options.dispatcherKeys,
      now: options.now,
      clockToleranceSeconds: options.clockToleranceSeconds,
    }),
  );
  const ack: unknown = payload.ack;
  if (typeof ack !== 'object' || ack === null || Array.isArray(ack)) {
    throw new FrameRefusedError('bad_signature', `${FRAME} refused: it carries no ack`);
  }
  if ((ack as { eventId?: unknown }).eventId !== options.expected.eventId) {
    throw new FrameRefusedError(
      'mismatched_claims',
      `${FRAME} refused: its signed event id differs from the frame's`,
    );
  }
  return ack;
}
