import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateSigningKey, newKid, publicJwks } from '@mbs/trust';

/** The files `npm run keys -w @mbs/relay-dispatcher -- <folder>` writes: each variable's value. */
export const SIGNING_KEY_FILE = 'dispatcher-signing-key.json';
export const PUBLIC_KEYS_FILE = 'gateway-dispatcher-keys.json';

/**
 * A new signing key for the dispatcher (production, or the next one, to rotate to), in `folder`:
 * `dispatcher-signing-key.json` (DISPATCHER_SIGNING_KEY: the private JWK, kid
 * `dispatcher-<yyyymmdd>-<random>-sig`) and `gateway-dispatcher-keys.json` (GATEWAY_DISPATCHER_KEYS:
 * a set with its public half alone, for every gateway), both owner-only in an owner-only folder.
 * Refuses to overwrite either. Returns the new kid.
 */
export async function newDispatcherSigningKey(folder: string, now = new Date()): Promise<string> {
  const key = await generateSigningKey(`dispatcher-${newKid('sig', now)}`);
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
