import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the deploy workspace sits directly below it. */
export const repositoryRoot = path.resolve(__dirname, '..', '..');

export function repositoryPath(...parts: string[]): string {
  return path.join(repositoryRoot, ...parts);
}

export function readRepositoryFile(...parts: string[]): string {
  return fs.readFileSync(repositoryPath(...parts), 'utf8');
}
