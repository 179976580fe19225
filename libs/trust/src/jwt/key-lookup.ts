import { KeyRing } from '../keys/key-ring';
import type { Jwk, Jwks, KeyUse } from '../keys/key-schemas';

/** A token names no key we hold: no kid, an unknown kid, or the kid of a key of the other use. */
export class UnknownKeyFailure extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = 'UnknownKeyFailure';
  }
}

/**
 * jose's key callback for `keys`: the key of `use` the protected header's kid names, never a
 * guess (a header without a kid is refused, not tried against every key).
 */
export function keyByKid<K extends Jwk>(keys: Jwks<K>, use: KeyUse) {
  const ring = KeyRing.of(keys);
  return (header: { kid?: string | undefined }) => {
    if (header.kid === undefined) throw new UnknownKeyFailure('names no key (no kid)');
    const key = ring.find(header.kid, use);
    if (!key) throw new UnknownKeyFailure('names a key that is not accepted here (unknown kid)');
    return key;
  };
}
