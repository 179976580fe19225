import { createHash } from 'node:crypto';

/**
 * A UUID derived from a name (RFC 9562 version 8, "custom": the first 128 bits of SHA-256 with
 * the version and variant bits set). The same name always gives the same UUID, so a payload built
 * twice from one event is byte-identical; random UUIDs would give every redelivery a new message.
 */
export function uuidFromName(name: string): string {
  const bytes = createHash('sha256').update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A `urn:uuid:` full URL for a Bundle entry, derived from a name. */
export function urnUuid(name: string): string {
  return `urn:uuid:${uuidFromName(name)}`;
}
