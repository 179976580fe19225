import { PermanentError } from '@mbs/errors';

/**
 * Why a frame was refused, recorded by the other side as `refused: <code>`:
 * - `bad_signature`: unsigned, `alg: none`, signed by an unknown key, a signature that does not
 *   verify, or malformed;
 * - `wrong_audience`: addressed to another gateway, or from another issuer than expected (upstream:
 *   another gateway);
 * - `expired`: past its expiry, or issued in the future beyond the clock tolerance;
 * - `undecryptable`: no private key for it, or a ciphertext that does not decrypt (tampered);
 * - `mismatched_claims`: the signed claims differ from what the readable frame says.
 */
export type FrameRefusal =
  'bad_signature' | 'wrong_audience' | 'expired' | 'undecryptable' | 'mismatched_claims';

/**
 * A frame that will never be accepted, however often it is sent. The message names what is
 * wrong, never a secret or anything of the payload (it is logged and sent back as the reason).
 */
export class FrameRefusedError extends PermanentError {
  declare readonly code: FrameRefusal;

  constructor(code: FrameRefusal, message: string) {
    super(code, message);
  }
}
