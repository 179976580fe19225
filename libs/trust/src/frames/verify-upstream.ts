import type { Jwks, PublicJwk } from '../keys/key-schemas';
import { verifyJwt } from '../jwt/verify-jwt';
import { FrameRefusedError } from './frame-refused-error';
import { frameClaims } from './frame-verification';
import { DISPATCHER, UPSTREAM_TYP } from './frame-types';

export interface VerifyUpstreamOptions {
  /** The gateway whose session the frame came on: it must be the issuer. */
  readonly gatewayId: string;
  /** The PUBLIC keys registered for that gateway (any signing key of them, by kid). */
  readonly gatewayKeys: Jwks<PublicJwk>;
  readonly now?: Date;
  /** Clock skew accepted on iat and exp (default 60 s). */
  readonly clockToleranceSeconds?: number;
}

/**
 * Verifies an upstream frame from a gateway and returns its body, unvalidated (the caller parses
 * it with the frame's schema). Throws FrameRefusedError: `bad_signature`, `wrong_audience` (not
 * from this gateway, or not for the dispatcher), `expired`.
 */
export async function verifyUpstream(
  compact: string,
  options: VerifyUpstreamOptions,
): Promise<unknown> {
  const payload = frameClaims(
    'upstream frame',
    await verifyJwt(compact, {
      typ: UPSTREAM_TYP,
      issuer: options.gatewayId,
      audience: DISPATCHER,
      keys: options.gatewayKeys,
      now: options.now,
      clockToleranceSeconds: options.clockToleranceSeconds,
    }),
  );
  if (!('body' in payload) || typeof payload.body !== 'object' || payload.body === null) {
    throw new FrameRefusedError('bad_signature', 'upstream frame refused: it carries no body');
  }
  return payload.body;
}
