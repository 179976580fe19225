import { createHash } from 'node:crypto';

const MAX_ID = 128;

/**
 * The id of a message derived from the message that caused it (`sent:<command id>`), so a
 * re-emitted event is byte-for-byte the same one and consumers take it once. Ids are at most
 * 128 characters; a cause id too long for its prefix is replaced by its SHA-256, which is just
 * as deterministic.
 */
export function derivedId(prefix: string, causeId: string): string {
  const id = `${prefix}:${causeId}`;
  if (id.length <= MAX_ID) return id;
  return `${prefix}:${createHash('sha256').update(causeId, 'utf8').digest('hex')}`;
}
