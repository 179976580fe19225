import type { JwtRefusalKind, JwtVerification } from '../jwt/verify-jwt';
import { FrameRefusedError, type FrameRefusal } from './frame-refused-error';

/**
 * How a token refusal reads as a frame refusal. A frame from an issuer other than the one
 * expected is misaddressed at the other end, so it counts with the audience.
 */
const FRAME_REFUSALS: Readonly<Record<JwtRefusalKind, FrameRefusal>> = {
  signature: 'bad_signature',
  audience: 'wrong_audience',
  issuer: 'wrong_audience',
  expired: 'expired',
};

/** The verified claims, or a FrameRefusedError for `frame` ("order frame", "upstream frame"). */
export function frameClaims(frame: string, verification: JwtVerification) {
  if (!verification.ok) {
    const { kind, detail } = verification.refusal;
    throw new FrameRefusedError(FRAME_REFUSALS[kind], `${frame} refused: it ${detail}`);
  }
  return verification.payload;
}
