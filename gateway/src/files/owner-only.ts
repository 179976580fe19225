import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';

/**
 * What the gateway writes holds patient data (the store, dropped worklist files), on a hospital
 * host other people and services also use: it is readable by the gateway's own user only.
 */
export const OWNER_ONLY_FILE = 0o600;
export const OWNER_ONLY_DIRECTORY = 0o700;

/**
 * The levels `mkdir -p` created, from the first one down to `directory`: each needs its mode set
 * again, since the mode given to mkdir is narrowed by the umask (a umask of 0277 would leave a
 * directory the gateway cannot write in; none ever widens it, but explicit is the only sure way).
 */
function createdLevels(first: string, directory: string): string[] {
  const levels = [first];
  const rest = relative(first, directory);
  if (rest === '') return levels;
  for (const part of rest.split(sep)) levels.push(join(levels[levels.length - 1]!, part));
  return levels;
}

/** Creates `directory` and its missing parents with `mode`, whatever the umask. */
export async function makeDirectory(directory: string, mode = OWNER_ONLY_DIRECTORY): Promise<void> {
  const first = await mkdir(directory, { recursive: true, mode });
  if (first === undefined) return;
  for (const level of createdLevels(first, directory)) await chmod(level, mode);
}

/** `makeDirectory`, synchronously (opening the store happens before anything else runs). */
export function makeDirectorySync(directory: string, mode = OWNER_ONLY_DIRECTORY): void {
  const first = mkdirSync(directory, { recursive: true, mode });
  if (first === undefined) return;
  for (const level of createdLevels(first, directory)) chmodSync(level, mode);
}

/**
 * Sets `mode` on `path` when it exists (files an earlier release created world-readable).
 * Returns false when that was not allowed: the gateway does not own it (a volume's root, say).
 */
export function tightenSync(path: string, mode: number): boolean {
  if (!existsSync(path)) return true;
  try {
    chmodSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates an empty file with `mode` when it does not exist, so that a program which would create
 * it with wider permissions (SQLite: 0644) opens this one instead.
 */
export function createEmptySync(path: string, mode = OWNER_ONLY_FILE): void {
  makeDirectorySync(dirname(path));
  try {
    closeSync(openSync(path, 'wx', mode));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
