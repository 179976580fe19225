import { createHash } from 'node:crypto';

/** The longest an `Id` may be. */
const MAX_ID = 128;

/** How many hex digits of the SHA-256 stand in for a cause id too long to fit. */
export const FULL_HASH = 64;

/** A cause: one id, or several keys that together name it (a message id and its attempt). */
export type Cause = string | readonly [string, ...string[]];

/**
 * The id of a message derived from the message that caused it (`sent:<command id>`,
 * `failed:<event id>`), so a re-emitted message is the same one and consumers take it once.
 * An `Id` is at most 128 characters: when `<prefix>:<cause>` would be longer, the cause is
 * replaced by (the first `hashChars` hex digits of) its SHA-256, which is just as deterministic.
 *
 * A cause of several keys is joined with `:` (`failed:<message id>:<attempts>`) and hashed joined
 * with NUL, which no id contains, so keys split differently hash apart. A single key hashes as
 * itself either way.
 *
 * `hashChars` exists because the services hashed differently before this was shared (appointment
 * the full 64 digits, fhir-builder 32, the relay dispatcher 40), and ids already emitted and
 * recorded downstream as idempotency keys must stay what they were for the same cause.
 */
export function derivedId(prefix: string, cause: Cause, hashChars: number = FULL_HASH): string {
  const keys = typeof cause === 'string' ? [cause] : cause;
  const id = [prefix, ...keys].join(':');
  if (id.length <= MAX_ID) return id;
  const hash = createHash('sha256').update(keys.join('\u0000'), 'utf8').digest('hex');
  return `${prefix}:${hash.slice(0, Math.max(1, Math.min(hashChars, FULL_HASH)))}`;
}
