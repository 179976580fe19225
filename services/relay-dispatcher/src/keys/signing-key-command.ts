import { writeNewSigningKey } from '@mbs/trust';

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
export function newDispatcherSigningKey(folder: string, now = new Date()): Promise<string> {
  return writeNewSigningKey({
    folder,
    owner: 'dispatcher',
    privateKeyFile: SIGNING_KEY_FILE,
    publicKeysFile: PUBLIC_KEYS_FILE,
    now,
  });
}
