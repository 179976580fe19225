import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, tempDir } from '../../test/temp-dir';
import { permissions, withUmask } from '../../test/umask';
import type { ReceivedMessage } from '../store/index';
import { deliverFile, dropFileName } from './deliver-file';
import { TargetUnavailableError } from './delivery-errors';

const message = (messageId: string, payload: string) =>
  ({ messageId, payload, contentType: 'application/json' }) as ReceivedMessage;

describe('file-drop delivery', () => {
  let dir: string;
  beforeEach(() => (dir = tempDir('gateway-drop')));
  afterEach(() => removeDir(dir));

  it('writes <messageId>.json in the directory (made when missing), leaving no temporary file', async () => {
    const target = {
      name: 'drop',
      kind: 'file' as const,
      directory: join(dir, 'worklist'),
      retries: 0,
    };
    const path = await deliverFile(target, message('msg-1', '{"a":1}'));
    expect(path).toBe(join(dir, 'worklist', 'msg-1.json'));
    expect(readdirSync(join(dir, 'worklist'))).toEqual(['msg-1.json']);
    expect(readFileSync(path, 'utf8')).toBe('{"a":1}');
  });

  it('replaces a previous file of the same message whole', async () => {
    const target = { name: 'drop', kind: 'file' as const, directory: dir, retries: 0 };
    await deliverFile(target, message('msg-1', 'old'));
    await deliverFile(target, message('msg-1', 'new'));
    expect(readdirSync(dir)).toEqual(['msg-1.json']);
    expect(readFileSync(join(dir, 'msg-1.json'), 'utf8')).toBe('new');
  });

  it('fails as retryable, naming the phase, when the directory cannot be written', async () => {
    const blocker = join(dir, 'not-a-directory');
    writeFileSync(blocker, 'x');
    const target = { name: 'drop', kind: 'file' as const, directory: blocker, retries: 0 };
    const failure = deliverFile(target, message('msg-1', '{}'));
    await expect(failure).rejects.toBeInstanceOf(TargetUnavailableError);
    await expect(failure).rejects.toMatchObject({ phase: 'deliver_file', retryable: true });
  });

  it('drops owner-only files, in directories it creates owner-only, whatever the umask', async () => {
    const directory = join(dir, 'worklist', 'in');
    const target = { name: 'drop', kind: 'file' as const, directory, retries: 0 };
    const path = await withUmask(0, () => deliverFile(target, message('msg-1', '{"a":1}')));
    expect(
      [join(dir, 'worklist'), directory, path].map((p) => permissions(statSync(p).mode)),
    ).toEqual([0o700, 0o700, 0o600]);
  });

  it("keeps a replaced file owner-only, and leaves an existing directory's permissions to the hospital", async () => {
    const directory = join(dir, 'shared');
    mkdirSync(directory, { mode: 0o755 });
    writeFileSync(join(directory, 'msg-1.json'), 'old', { mode: 0o644 });
    const target = { name: 'drop', kind: 'file' as const, directory, retries: 0 };
    const path = await withUmask(0, () => deliverFile(target, message('msg-1', 'new')));
    expect(permissions(statSync(path).mode)).toBe(0o600);
    expect(permissions(statSync(directory).mode)).toBe(0o755);
  });

  it("lets a target share its files with the gateway user's group (a picker running as another user)", async () => {
    const directory = join(dir, 'group', 'in');
    const target = {
      name: 'drop',
      kind: 'file' as const,
      directory,
      retries: 0,
      groupReadable: true,
    };
    const path = await withUmask(0, () => deliverFile(target, message('msg-1', '{}')));
    expect([directory, path].map((p) => permissions(statSync(p).mode))).toEqual([0o750, 0o640]);
  });

  it('keeps file names legal on Windows', () => {
    expect(dropFileName('sha256:abc')).toBe('sha256%3Aabc.json');
  });
});
