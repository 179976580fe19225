import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileTarget } from '../config';
import { makeDirectory, OWNER_ONLY_DIRECTORY, OWNER_ONLY_FILE } from '../files/owner-only';
import type { ReceivedMessage } from '../store/index';
import { TargetUnavailableError } from './delivery-errors';

/**
 * The file name for a message: `<messageId>.json`. Message ids may hold `:`, which Windows
 * forbids in file names, so it is written `%3A` (`%` itself never occurs in an id).
 */
export function dropFileName(messageId: string): string {
  return `${messageId.replaceAll(':', '%3A')}.json`;
}

/**
 * Drops the payload in the target directory atomically: written to a temporary file in the same
 * directory (so the rename cannot cross file systems), flushed to disk, then renamed to
 * `<messageId>.json`. A reader polling the directory sees the whole file or nothing; a temporary
 * name starts with `.` and ends `.tmp` so pickers that skip hidden or `.tmp` files ignore it.
 *
 * The file holds patient data: it is owner-only (0600), and so are the directories it creates
 * (0700), whatever the umask; `groupReadable` targets (a picker running as another user in the
 * gateway's group) get 0640 and 0750. An existing directory keeps the permissions the hospital
 * gave it.
 */
export async function deliverFile(target: FileTarget, message: ReceivedMessage): Promise<string> {
  const finalPath = join(target.directory, dropFileName(message.messageId));
  const tempPath = join(
    target.directory,
    `.${dropFileName(message.messageId)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const fileMode = target.groupReadable ? 0o640 : OWNER_ONLY_FILE;
  try {
    await makeDirectory(target.directory, target.groupReadable ? 0o750 : OWNER_ONLY_DIRECTORY);
    const handle = await open(tempPath, 'wx', fileMode);
    try {
      // The mode given to open is narrowed by the umask; set it outright.
      await handle.chmod(fileMode);
      await handle.writeFile(message.payload, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, finalPath);
    await syncDirectory(target.directory);
    return finalPath;
  } catch (error) {
    await rm(tempPath, { force: true }).catch(() => undefined);
    throw new TargetUnavailableError(
      'deliver_file',
      `could not write ${finalPath} (target ${target.name}): ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Makes the rename itself durable. Not every platform can open a directory (Windows): skip. */
async function syncDirectory(directory: string): Promise<void> {
  let handle;
  try {
    handle = await open(directory, 'r');
    await handle.sync();
  } catch {
    // best effort
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
