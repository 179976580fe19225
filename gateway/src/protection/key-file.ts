import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { PermanentError } from '@mbs/errors';
import { GatewayPrivateJwks, parseKeysJson, publicJwks, type PublicJwk } from '@mbs/trust';
import {
  makeDirectorySync,
  OWNER_ONLY_DIRECTORY,
  OWNER_ONLY_FILE,
  tightenSync,
} from '../files/owner-only';

/**
 * The gateway's own keys live in a file on the gateway host, never anywhere else: its private
 * JWK set `{ keys: [...] }` (a signing and an encryption key, current first, older ones after for
 * orders still on their way). `npm run keys -w @mbs/gateway` makes and rotates it (keys-command).
 */

/** Where the keys are unless GATEWAY_KEYS_FILE says: `<GATEWAY_DATA_DIR>/keys/gateway-keys.json`. */
export function defaultKeysFile(dataDir: string): string {
  return join(dataDir, 'keys', 'gateway-keys.json');
}

/** The public half, written beside the private file for whoever registers it (not secret). */
export function publicKeysFileOf(keysFile: string): string {
  return join(dirname(keysFile), `${basename(keysFile, '.json')}.public.json`);
}

/** The gateway has no keys yet, or they do not parse: it cannot open orders or sign. */
export class GatewayKeysError extends PermanentError {
  constructor(message: string) {
    super('gateway_keys', message);
  }
}

/** Reads and checks a private key file; GatewayKeysError names the file and what is wrong. */
export function readKeyFile(file: string): GatewayPrivateJwks {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new GatewayKeysError(
        `no keys at ${file}: run \`npm run keys -w @mbs/gateway\` (node gateway/dist/keys.js) on this host to make them, and register the public keys it prints with the dispatcher`,
      );
    }
    throw new GatewayKeysError(`cannot read the keys at ${file}: ${(error as Error).message}`);
  }
  try {
    return parseKeysJson(GatewayPrivateJwks, text, file);
  } catch (error) {
    throw new GatewayKeysError((error as Error).message);
  }
}

/**
 * Writes `keys` to `file` owner-only (0600, its directory 0700, whatever the umask), atomically
 * (a temporary file, fsynced, renamed over it), so a reader sees the old set or the new one,
 * never half of one. The public half goes beside it. Returns the public set.
 */
export function writeKeyFile(file: string, keys: GatewayPrivateJwks): { keys: PublicJwk[] } {
  const directory = dirname(file);
  makeDirectorySync(directory, OWNER_ONLY_DIRECTORY);
  tightenSync(directory, OWNER_ONLY_DIRECTORY);
  writeAtomically(file, `${JSON.stringify(keys, null, 2)}\n`, OWNER_ONLY_FILE);
  const published = publicJwks(keys);
  writeAtomically(publicKeysFileOf(file), `${JSON.stringify(published, null, 2)}\n`, 0o644);
  return published;
}

function writeAtomically(file: string, text: string, mode: number): void {
  const temporary = join(dirname(file), `.${basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  const fd = openSync(temporary, 'wx', mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The mode given to open is narrowed by the umask, never widened: set it exactly.
  tightenSync(temporary, mode);
  renameSync(temporary, file);
}

/** Where the gateway's private keys come from while it runs. */
export interface GatewayKeySource {
  /** The keys now: the first signing key signs, every encryption key decrypts. */
  current(): GatewayPrivateJwks;
  /**
   * Reads the keys again when their file changed since they were read (a rotation while the
   * gateway runs); true when the set changed. A file that no longer parses keeps the keys it had.
   */
  refresh(): boolean;
}

/** Keys given once (tests; a set from elsewhere): nothing to read again. */
export function fixedKeys(keys: GatewayPrivateJwks): GatewayKeySource {
  return { current: () => keys, refresh: () => false };
}

/** The keys in a file, read at start (refusing to start without them) and again when it changes. */
export class GatewayKeyFile implements GatewayKeySource {
  private keys: GatewayPrivateJwks;
  private stamp: string;
  /** Whether the file (or its directory) could be made owner-only. */
  readonly private: boolean;

  private constructor(
    readonly file: string,
    private readonly onRefreshFailed: (problem: string) => void,
  ) {
    // Keys an earlier copy left readable by others are tightened, as the store's files are.
    this.private =
      tightenSync(file, OWNER_ONLY_FILE) && tightenSync(dirname(file), OWNER_ONLY_DIRECTORY);
    this.stamp = stampOf(file);
    this.keys = readKeyFile(file);
  }

  static open(file: string, onRefreshFailed: (problem: string) => void = () => undefined) {
    return new GatewayKeyFile(file, onRefreshFailed);
  }

  current(): GatewayPrivateJwks {
    return this.keys;
  }

  refresh(): boolean {
    const stamp = stampOf(this.file);
    if (stamp === this.stamp) return false;
    try {
      const keys = readKeyFile(this.file);
      this.stamp = stamp;
      const changed = JSON.stringify(keys) !== JSON.stringify(this.keys);
      this.keys = keys;
      return changed;
    } catch (error) {
      this.onRefreshFailed((error as Error).message);
      return false;
    }
  }
}

/** What changes when the file is replaced or rewritten (a rename gives a new inode). */
function stampOf(file: string): string {
  try {
    const stat = statSync(file);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
