import {
  GatewayPrivateJwks,
  generateGatewayKeySet,
  generateSigningKey,
  newKid,
  parseKeysJson,
  PrivateSigningJwk,
  publicJwks,
  type PublicJwks,
} from '@mbs/trust';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/**
 * The variables that carry keys to the system's processes, each a JSON value: web's private
 * signing key, and its public set the services verify staff tokens and commands with; the
 * dispatcher's private signing key, and its public set the gateway verifies orders with; the
 * development gateway's own private keys (`gateway-local`: what its `npm run keys` would make
 * on a hospital host), and their public half the dispatcher's demo gateway is registered with.
 */
export const keyVariables = [
  'WEB_SIGNING_KEY',
  'STAFF_TOKEN_KEYS',
  'DISPATCHER_SIGNING_KEY',
  'GATEWAY_DISPATCHER_KEYS',
  'GATEWAY_PRIVATE_KEYS',
  'DEMO_GATEWAY_PUBLIC_KEYS',
] as const;
export type KeyVariable = (typeof keyVariables)[number];

/** The development keys of this machine, and the value of every key variable made from them. */
export interface DevKeys {
  /** The folder they are kept in (`.data/keys`). */
  readonly dir: string;
  /** web's signing key, and the public set the services are given. */
  readonly web: { readonly privateKey: PrivateSigningJwk; readonly publicKeys: PublicJwks };
  /** The dispatcher's signing key, and the public set the gateway is given. */
  readonly dispatcher: { readonly privateKey: PrivateSigningJwk; readonly publicKeys: PublicJwks };
  /**
   * The development gateway's own keys (`gateway-local`), and the public set its registration
   * carries. `privateKeysFile` is the gateway's key file (GATEWAY_KEYS_FILE would name it).
   */
  readonly gateway: {
    readonly privateKeys: GatewayPrivateJwks;
    readonly publicKeys: PublicJwks;
    readonly privateKeysFile: string;
  };
  /** Each key variable's development value (JSON): what `keyEnvironment` hands a process. */
  readonly env: Readonly<Record<KeyVariable, string>>;
}

/** Where a repository keeps its development keys: `.data/keys`, git-ignored with all of `.data`. */
export function devKeysDir(repositoryRoot: string): string {
  return path.join(repositoryRoot, '.data', 'keys');
}

/**
 * The development keys in `dir`, made on first use with @mbs/trust and kept: every later `npm
 * start`, end-to-end system, `npm run send` and bench signs and verifies with the same ones, so a
 * token or command made by one is good for the others. Never committed (`.data` is git-ignored);
 * the folder is owner-only (0700), every file in it too (0600), tightened if found looser.
 *
 * Each private key is its own file, created exclusively, so runners starting at once agree on one
 * key. Beside them, for whoever cannot call this (compose, `kubectl create secret`), the value of
 * every key variable as `<variable>.json` (`web-signing-key.json` IS web's key file) and as a
 * compose env file `<variable>.env` (`WEB_SIGNING_KEY='…'`), rewritten when they differ.
 *
 * More keys are added here the same way: a key file made by `ownKey`, and the variables made
 * from it. The dispatcher's signing key is one (`dispatcher-signing-key.json`); the development
 * gateway's key set another (`gateway-private-keys.json`, a gateway key file as its own
 * `npm run keys` writes one).
 */
export async function ensureDevKeys(dir: string): Promise<DevKeys> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const webKey = await ownKey(dir, 'web-signing-key.json', PrivateSigningJwk, () =>
    generateSigningKey(`dev-web-${newKid('sig')}`),
  );
  const web = { privateKey: webKey, publicKeys: publicJwks({ keys: [webKey] }) as PublicJwks };
  const dispatcherKey = await ownKey(dir, 'dispatcher-signing-key.json', PrivateSigningJwk, () =>
    generateSigningKey(`dev-dispatcher-${newKid('sig')}`),
  );
  const dispatcher = {
    privateKey: dispatcherKey,
    publicKeys: publicJwks({ keys: [dispatcherKey] }) as PublicJwks,
  };
  const gatewayKeysFile = 'gateway-private-keys.json';
  const gatewayKeys = await ownKey(dir, gatewayKeysFile, GatewayPrivateJwks, async () => {
    const made = await generateGatewayKeySet();
    return made.privateKeys;
  });
  const gateway = {
    privateKeys: gatewayKeys,
    publicKeys: publicJwks(gatewayKeys) as PublicJwks,
    privateKeysFile: path.join(dir, gatewayKeysFile),
  };
  const env: Record<KeyVariable, string> = {
    WEB_SIGNING_KEY: JSON.stringify(web.privateKey),
    STAFF_TOKEN_KEYS: JSON.stringify(web.publicKeys),
    DISPATCHER_SIGNING_KEY: JSON.stringify(dispatcher.privateKey),
    GATEWAY_DISPATCHER_KEYS: JSON.stringify(dispatcher.publicKeys),
    GATEWAY_PRIVATE_KEYS: JSON.stringify(gateway.privateKeys),
    DEMO_GATEWAY_PUBLIC_KEYS: JSON.stringify(gateway.publicKeys),
  };
  for (const variable of keyVariables) {
    const stem = path.join(dir, variableFileStem(variable));
    keep(`${stem}.json`, `${env[variable]}\n`);
    // Single quotes: compose takes the value as written (no interpolation), JSON has none.
    keep(`${stem}.env`, `${variable}='${env[variable]}'\n`);
  }
  return { dir, web, dispatcher, gateway, env };
}

/** `WEB_SIGNING_KEY` -> `web-signing-key`: how a variable's files are named. */
export function variableFileStem(variable: string): string {
  return variable.toLowerCase().replace(/_/g, '-');
}

/**
 * The key in `file` (checked with `schema`), or a new one from `generate` written there first.
 * Written to a temporary file and linked into place, which fails if another runner got there
 * first: then its key is the one.
 */
async function ownKey<S extends z.ZodType>(
  dir: string,
  file: string,
  schema: S,
  generate: () => Promise<z.output<S>>,
): Promise<z.output<S>> {
  const target = path.join(dir, file);
  if (!existsSync(target)) {
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(await generate())}\n`, { mode: 0o600 });
    try {
      linkSync(temporary, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(temporary);
    }
  }
  ownerOnly(target);
  return parseKeysJson(schema, readFileSync(target, 'utf8'), target);
}

/** Writes `content` to `file` (owner-only) unless it holds it already; atomically, by rename. */
function keep(file: string, content: string): void {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return ownerOnly(file);
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode: 0o600 });
  renameSync(temporary, file);
}

function ownerOnly(file: string): void {
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}
