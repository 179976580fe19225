import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tempDir = (prefix: string) => mkdtempSync(join(tmpdir(), `${prefix}-`));
export const removeDir = (dir: string) => rmSync(dir, { recursive: true, force: true });
