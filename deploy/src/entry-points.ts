import fs from 'node:fs';
import path from 'node:path';
import { readRepositoryFile, repositoryPath } from './repository';
import type { ProcessDescription } from './processes';

/**
 * The TypeScript source an entry point under the workspace's dist/ is compiled from, following
 * its tsconfig.build.json (outDir, rootDir), or undefined when the build emits no such file.
 * dist/ itself is not in the repository (CI does not build before these checks), so the source is
 * what proves a command names a process that exists.
 */
export function sourceOfEntryPoint(
  process: Pick<ProcessDescription, 'workspace'>,
  entry: string,
): string | undefined {
  const config = JSON.parse(readRepositoryFile(process.workspace, 'tsconfig.build.json')) as {
    compilerOptions: { outDir: string; rootDir: string };
  };
  const { outDir, rootDir } = config.compilerOptions;
  const inWorkspace = path.posix.relative(process.workspace, entry);
  const inOutDir = path.posix.relative(outDir, inWorkspace);
  if (inOutDir.startsWith('..') || !inOutDir.endsWith('.js')) return undefined;
  const source = path.posix.join(process.workspace, rootDir, inOutDir.replace(/\.js$/, '.ts'));
  return fs.existsSync(repositoryPath(source)) ? source : undefined;
}

/** The file the workspace's own `npm start` runs (the last `node <file>` of the script). */
export function startScriptEntryPoint(process: ProcessDescription): string | undefined {
  const manifest = JSON.parse(readRepositoryFile(process.workspace, 'package.json')) as {
    scripts?: Record<string, string>;
  };
  const runs = [...(manifest.scripts?.start ?? '').matchAll(/\bnode\s+(\S+)/g)];
  const file = runs.at(-1)?.[1];
  return file === undefined ? undefined : path.posix.join(process.workspace, file);
}

/**
 * The broker setup every deployment runs before the services (docs/adr/0005): built into every
 * image with the rest of libs/, from libs/processes/src/broker-setup.ts.
 */
export const BROKER_SETUP_ENTRY = 'libs/processes/dist/broker-setup.js';

/**
 * web's staff-token command: what the setup jobs (compose, the Kubernetes dev overlay) run to
 * change a gateway as an admin, with web's key from their environment. In every image.
 */
export const STAFF_TOKEN_ENTRY = 'services/web/dist/tokens/staff-token.js';
