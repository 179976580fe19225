import { generateSigningKey, newKid, publicJwks } from '@mbs/trust';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The files `npm run keys -w @mbs/web -- <folder>` writes: each variable's value, as JSON. */
export const SIGNING_KEY_FILE = 'web-signing-key.json';
export const PUBLIC_KEYS_FILE = 'staff-token-keys.json';

/**
 * A new web signing key for production (or the next one, to rotate to), in `folder`:
 * `web-signing-key.json` (WEB_SIGNING_KEY: the private JWK, kid `web-<yyyymmdd>-<random>-sig`) and
 * `staff-token-keys.json` (STAFF_TOKEN_KEYS: a set with its public half alone), both owner-only.
 * Refuses to overwrite either. Returns the new kid.
 */
export async function newSigningKey(folder: string, now = new Date()): Promise<string> {
  const key = await generateSigningKey(`web-${newKid('sig', now)}`);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  const write = (file: string, value: unknown) =>
    writeFileSync(path.join(folder, file), `${JSON.stringify(value)}\n`, {
      mode: 0o600,
      flag: 'wx',
    });
  write(SIGNING_KEY_FILE, key);
  write(PUBLIC_KEYS_FILE, publicJwks({ keys: [key] }));
  return key.kid;
}
