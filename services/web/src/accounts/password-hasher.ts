import { hash, verify } from '@node-rs/argon2';
import { randomBytes } from 'node:crypto';

export interface PasswordHashCost {
  /** KiB of memory per hash (OWASP: 19456). */
  readonly memoryKiB: number;
  /** Passes over that memory (OWASP: 2). */
  readonly iterations: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Whether `password` is the one `storedHash` was made from. Never throws on a bad hash. */
  verify(storedHash: string, password: string): Promise<boolean>;
  /**
   * Spends the time a real verification would, for a username that has no account, so the
   * answer's timing does not tell whether an account exists.
   */
  verifyNothing(password: string): Promise<false>;
}

/** argon2id through @node-rs/argon2 (prebuilt, maintained), one thread per hash. */
export function createPasswordHasher(cost: PasswordHashCost): PasswordHasher {
  const options = { memoryCost: cost.memoryKiB, timeCost: cost.iterations, parallelism: 1 };
  let decoy: Promise<string> | undefined;
  const verifyHash = async (storedHash: string, password: string) => {
    try {
      return await verify(storedHash, password);
    } catch {
      return false;
    }
  };
  return {
    hash: (password) => hash(password, options),
    verify: verifyHash,
    async verifyNothing(password) {
      decoy ??= hash(randomBytes(24).toString('base64'), options);
      await verifyHash(await decoy, password);
      return false;
    },
  };
}
