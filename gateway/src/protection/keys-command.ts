import { existsSync } from 'node:fs';
import { generateGatewayKeySet, KeyRing, publicJwks, type PublicJwk } from '@mbs/trust';
import { publicKeysFileOf, readKeyFile, writeKeyFile } from './key-file';

/**
 * `npm run keys -w @mbs/gateway [-- --rotate | --if-missing | --show | --drop-old]`: makes this
 * gateway's keys on this host and prints their PUBLIC half, the JWK set to register with the
 * dispatcher (`publicKeys` of the gateway: POST or PATCH /gateways). The private set stays in its
 * owner-only file and is never printed.
 */
export type KeysAction = 'create' | 'rotate' | 'if-missing' | 'show' | 'drop-old';

const FLAGS: Readonly<Record<string, KeysAction>> = {
  '--rotate': 'rotate',
  '--if-missing': 'if-missing',
  '--show': 'show',
  '--drop-old': 'drop-old',
};

export class KeysCommandError extends Error {}

/** The action the arguments ask for; KeysCommandError for anything else. */
export function keysAction(args: readonly string[]): KeysAction {
  const actions = args.map((arg) => {
    const action = FLAGS[arg];
    if (!action) {
      throw new KeysCommandError(
        `unknown argument ${JSON.stringify(arg)}: use one of ${Object.keys(FLAGS).join(', ')}, or none`,
      );
    }
    return action;
  });
  if (actions.length > 1) throw new KeysCommandError('give one of the options at most');
  return actions[0] ?? 'create';
}

export interface KeysResult {
  /** What to print on standard output: the public JWK set to register. */
  readonly publicKeys: { keys: PublicJwk[] };
  /** What was done, in words, for standard error. */
  readonly said: string;
}

/**
 * Carries out `action` on the key file:
 * - `create`: a first key set (a signing and an encryption key); refuses when the file exists,
 *   since replacing the keys would make every order on its way undecryptable;
 * - `rotate`: a new set put first (it signs from the next start, and the dispatcher encrypts to
 *   it once registered), the old keys kept after it, so orders already encrypted to them still
 *   open;
 * - `if-missing`: `create` when there is no file, otherwise nothing (an init step on every start);
 * - `show`: nothing changes;
 * - `drop-old`: keeps only the current signing and encryption keys, once nothing made with the
 *   old ones can still arrive (the dispatcher's record no longer lists them).
 */
export async function runKeysCommand(
  file: string,
  action: KeysAction,
  now = new Date(),
): Promise<KeysResult> {
  const exists = existsSync(file);
  const register = `register them with the dispatcher as the gateway's publicKeys (PATCH /gateways/<gatewayId>); the public set is also in ${publicKeysFileOf(file)}`;
  if (action === 'show' || (action === 'if-missing' && exists)) {
    return {
      publicKeys: publicJwks(readKeyFile(file)),
      said: `the keys in ${file} are unchanged; their public half follows`,
    };
  }
  if (action === 'create' || action === 'if-missing') {
    if (exists) {
      throw new KeysCommandError(
        `${file} exists: its keys are kept (replacing them would make every order on its way undecryptable). Use --rotate to add a new current key set, --show to print the public keys`,
      );
    }
    const made = await generateGatewayKeySet(now);
    const publicKeys = writeKeyFile(file, made.privateKeys);
    return { publicKeys, said: `made this gateway's keys in ${file} (owner-only); ${register}` };
  }
  if (!exists)
    throw new KeysCommandError(`${file} does not exist: make the keys first (no option)`);
  const keys = readKeyFile(file);
  if (action === 'rotate') {
    const made = await generateGatewayKeySet(now);
    const publicKeys = writeKeyFile(file, { keys: [...made.privateKeys.keys, ...keys.keys] });
    return {
      publicKeys,
      said: `added the key set ${made.privateKeys.keys.map((key) => key.kid).join(', ')} first in ${file}, keeping ${keys.keys.length} older key(s) to decrypt orders still on their way; ${register} BEFORE this gateway restarts, which then signs with the new key`,
    };
  }
  const ring = KeyRing.of(keys);
  const kept = [ring.current('sig', 'this gateway'), ring.current('enc', 'this gateway')];
  const publicKeys = writeKeyFile(file, { keys: kept as typeof keys.keys });
  return {
    publicKeys,
    said: `kept only the current keys ${kept.map((key) => key.kid).join(', ')} in ${file} (dropped ${keys.keys.length - kept.length}); the dispatcher's record should list only these too`,
  };
}
