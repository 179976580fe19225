import { writeNewSigningKey } from '@mbs/trust';

/** The files `npm run keys -w @mbs/web -- <folder>` writes: each variable's value, as JSON. */
export const SIGNING_KEY_FILE = 'web-signing-key.json';
export const PUBLIC_KEYS_FILE = 'staff-token-keys.json';

/**
 * A new web signing key for production (or the next one, to rotate to), in `folder`:
 * `web-signing-key.json` (WEB_SIGNING_KEY: the private JWK, kid `web-<yyyymmdd>-<random>-sig`) and
 * `staff-token-keys.json` (STAFF_TOKEN_KEYS: a set with its public half alone), both owner-only.
 * Refuses to overwrite either. Returns the new kid.
 */
export function newSigningKey(folder: string, now = new Date()): Promise<string> {
  return writeNewSigningKey({
    folder,
    owner: 'web',
    privateKeyFile: SIGNING_KEY_FILE,
    publicKeysFile: PUBLIC_KEYS_FILE,
    now,
  });
}
