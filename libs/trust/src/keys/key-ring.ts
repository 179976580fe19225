import { MissingKeyError } from './key-errors';
import type { Jwk, Jwks, KeyUse } from './key-schemas';

/**
 * A key set read the way rotation needs it. Order matters:
 * - the FIRST key of a use is the current one: it signs, or is encrypted to;
 * - EVERY key of a use is accepted, by kid, to verify or decrypt.
 * So a rotation is: publish the next key after the current one (both verify), move it first
 * (it now signs), and drop the old one once nothing signed with it can still arrive.
 */
export class KeyRing<K extends Jwk = Jwk> {
  private constructor(private readonly keys: readonly K[]) {}

  static of<K extends Jwk>(set: Jwks<K>): KeyRing<K> {
    return new KeyRing(set.keys);
  }

  /** The key of `use` that signs or is encrypted to now; MissingKeyError when there is none. */
  current<U extends KeyUse>(use: U, owner: string): Extract<K, { use: U }> {
    const key = this.all(use)[0];
    if (!key) {
      throw new MissingKeyError(
        `${owner} has no ${use === 'sig' ? 'signing' : 'encryption'} key (use "${use}")`,
      );
    }
    return key;
  }

  /** The key named `kid` if it is one of `use`; undefined otherwise (unknown, or the other use). */
  find<U extends KeyUse>(kid: unknown, use: U): Extract<K, { use: U }> | undefined {
    return typeof kid === 'string' ? this.all(use).find((key) => key.kid === kid) : undefined;
  }

  /** Every key of `use`, current first. */
  all<U extends KeyUse>(use: U): Array<Extract<K, { use: U }>> {
    return this.keys.filter((key): key is Extract<K, { use: U }> => key.use === use);
  }
}
