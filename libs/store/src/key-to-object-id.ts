import { createHash } from 'node:crypto';
import { Types } from 'mongoose';

/**
 * A deterministic ObjectId for an idempotency key (command id, message id, event id): the
 * first 12 bytes of its SHA-256.
 *
 * Why: idempotency keys are `_id`s, and the in-memory stand-in used where no real MongoDB
 * exists accepts ONLY ObjectId `_id`s (a string or UUID `_id` fails to insert; a 24-hex string is
 * silently stored as an ObjectId and never found again). Keying documents by
 * `keyToObjectId(commandId)` works the same on real MongoDB and on the stand-in. Keep the
 * original key in a field of its own for people and queries. 96 bits make an accidental
 * collision negligible at this system's volumes.
 */
export function keyToObjectId(key: string): Types.ObjectId {
  if (!key) throw new TypeError('keyToObjectId needs a non-empty key');
  return new Types.ObjectId(createHash('sha256').update(key, 'utf8').digest().subarray(0, 12));
}
