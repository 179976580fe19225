import {
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
 * signing key, and its public set the services verify staff tokens and commands with.
 */
export const keyVariables = ['WEB_SIGNING_KEY', 'STAFF_TOKEN_KEYS'] as const;
export type KeyVariable = (typeof keyVariables)[number];

/** The development keys of this machine, and the value of every key variable made from them. */
export interface DevKeys {
  /** The folder they are kept in (`.data/keys`). */
  readonly dir: string;
  /** web's signing key, and the public set the services are given. */
  readonly web: { readonly privateKey: PrivateSigningJwk; readonly publicKeys: PublicJwks };
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
 * More keys (the dispatcher's, a development gateway's) are added here the same way: a key file
 * made by `ownKey`, and the variables made from it.
 */
export async function ensureDevKeys(dir: string): Promise<DevKeys> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const webKey = await ownKey(dir, 'web-signing-key.json', PrivateSigningJwk, () =>
    generateSigningKey(`dev-web-${newKid('sig')}`),
  );
  const web = { privateKey: webKey, publicKeys: publicJwks({ keys: [webKey] }) as PublicJwks };
  const env: Record<KeyVariable, string> = {
    WEB_SIGNING_KEY: JSON.stringify(web.privateKey),
    STAFF_TOKEN_KEYS: JSON.stringify(web.publicKeys),
  };
  for (const variable of keyVariables) {
    const stem = path.join(dir, variableFileStem(variable));
    keep(`${stem}.json`, `${env[variable]}\n`);
    // Single quotes: compose takes the value as written (no interpolation), JSON has none.
    keep(`${stem}.env`, `${variable}='${env[variable]}'\n`);
  }
  return { dir, web, env };
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
