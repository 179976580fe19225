import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSigningKey, newKid, publicJwks } from './generate-keys';

export interface SigningKeyFiles {
  /** The folder to write into; made owner-only (0700) when it does not exist. */
  readonly folder: string;
  /** Who signs with it, the kid's prefix: `<owner>-<yyyymmdd>-<random>-sig`. */
  readonly owner: string;
  /** The file for the private JWK (the signer's variable). */
  readonly privateKeyFile: string;
  /** The file for a set with its public half alone (the verifiers' variable). */
  readonly publicKeysFile: string;
  readonly now?: Date;
}

/**
 * A new signing key for production, or the next one of a rotation, written as the two variables'
 * values: the private JWK and a public set with its public half, each JSON, owner-only (0600).
 * Refuses to overwrite either file (a key in use is never replaced by accident). Returns the kid.
 */
export async function writeNewSigningKey({
  folder,
  owner,
  privateKeyFile,
  publicKeysFile,
  now = new Date(),
}: SigningKeyFiles): Promise<string> {
  const key = await generateSigningKey(`${owner}-${newKid('sig', now)}`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const write = (file: string, value: unknown) =>
    writeFileSync(path.join(folder, file), `${JSON.stringify(value)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  write(privateKeyFile, key);
  write(publicKeysFile, publicJwks({ keys: [key] }));
  return key.kid;
}
