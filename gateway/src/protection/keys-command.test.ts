import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GatewayPrivateJwks, GatewayPublicJwks, PRIVATE_MEMBERS } from '@mbs/trust';
import { removeDir, tempDir } from '../../test/temp-dir';
import { permissions, withUmask } from '../../test/umask';
import { defaultKeysFile, GatewayKeyFile, publicKeysFileOf, readKeyFile } from './key-file';
import { keysAction, runKeysCommand } from './keys-command';

const modeOf = (path: string) => permissions(statSync(path).mode);
const kids = (set: { keys: ReadonlyArray<{ kid: string }> }) => set.keys.map((key) => key.kid);
const NOW = new Date('2026-12-05T09:00:00Z');

describe('npm run keys: the gateway makes its own keys, on its own host', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir('gateway-keys');
    file = defaultKeysFile(join(dir, 'data'));
  });
  afterEach(() => removeDir(dir));

  it('reads its one option, and refuses anything else', () => {
    expect(keysAction([])).toBe('create');
    expect(keysAction(['--rotate'])).toBe('rotate');
    expect(keysAction(['--if-missing'])).toBe('if-missing');
    expect(keysAction(['--show'])).toBe('show');
    expect(keysAction(['--drop-old'])).toBe('drop-old');
    expect(() => keysAction(['--force'])).toThrow(/unknown argument "--force"/);
    expect(() => keysAction(['--rotate', '--show'])).toThrow(/one of the options/);
  });

  it('makes a signing and an encryption key owner-only (0600 in a 0700 directory, whatever the umask) and gives only their public half', async () => {
    const result = await withUmask(0, () => runKeysCommand(file, 'create', NOW));
    expect(file).toBe(join(dir, 'data', 'keys', 'gateway-keys.json'));
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(join(dir, 'data', 'keys'))).toBe(0o700);

    const stored = GatewayPrivateJwks.parse(JSON.parse(readFileSync(file, 'utf8')));
    expect(stored.keys.map((key) => key.use)).toEqual(['sig', 'enc']);
    expect(kids(stored)).toEqual([
      expect.stringMatching(/^20261205-[0-9a-f]{8}-sig$/),
      expect.stringMatching(/^20261205-[0-9a-f]{8}-enc$/),
    ]);
    // What is printed, and written beside it for whoever registers it: public keys only.
    expect(GatewayPublicJwks.parse(result.publicKeys)).toEqual(result.publicKeys);
    expect(kids(result.publicKeys)).toEqual(kids(stored));
    const printed = JSON.stringify(result.publicKeys);
    for (const member of PRIVATE_MEMBERS) expect(printed).not.toContain(`"${member}"`);
    expect(JSON.parse(readFileSync(publicKeysFileOf(file), 'utf8'))).toEqual(result.publicKeys);
    expect(result.said).toMatch(/register them with the dispatcher/);
  });

  it('refuses to replace keys that exist; --if-missing and --show leave them as they are', async () => {
    const first = await runKeysCommand(file, 'create', NOW);
    const before = readFileSync(file, 'utf8');
    await expect(runKeysCommand(file, 'create', NOW)).rejects.toThrow(
      /exists: its keys are kept .* Use --rotate/,
    );
    expect((await runKeysCommand(file, 'if-missing', NOW)).publicKeys).toEqual(first.publicKeys);
    expect((await runKeysCommand(file, 'show', NOW)).publicKeys).toEqual(first.publicKeys);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('--if-missing makes them when there are none (an init step on every start)', async () => {
    const made = await runKeysCommand(file, 'if-missing', NOW);
    expect(readKeyFile(file).keys).toHaveLength(2);
    expect(kids(made.publicKeys)).toEqual(kids(readKeyFile(file)));
  });

  it('--rotate puts a new current set first and keeps the old keys after it, still owner-only', async () => {
    const first = await runKeysCommand(file, 'create', NOW);
    const rotated = await withUmask(0, () => runKeysCommand(file, 'rotate', NOW));
    const stored = readKeyFile(file);
    expect(stored.keys.map((key) => key.use)).toEqual(['sig', 'enc', 'sig', 'enc']);
    expect(kids(stored).slice(2)).toEqual(kids(first.publicKeys));
    expect(kids(rotated.publicKeys)).toEqual(kids(stored));
    expect(modeOf(file)).toBe(0o600);
    expect(rotated.said).toMatch(/BEFORE this gateway restarts/);

    // Once nothing made with the old keys can arrive: only the current pair stays.
    const dropped = await runKeysCommand(file, 'drop-old', NOW);
    expect(kids(dropped.publicKeys)).toEqual(kids(stored).slice(0, 2));
    expect(kids(readKeyFile(file))).toEqual(kids(stored).slice(0, 2));
  });

  it('says how to make keys when there are none, and names a file that does not parse without quoting it', async () => {
    await expect(runKeysCommand(file, 'rotate', NOW)).rejects.toThrow(/does not exist/);
    expect(() => readKeyFile(file)).toThrow(/no keys at .*npm run keys -w @mbs\/gateway/);
    mkdirSync(join(dir, 'data', 'keys'), { recursive: true });
    writeFileSync(file, '{"keys":[{"kty":"EC","d":"secret-looking-value"}]}');
    expect(() => readKeyFile(file)).toThrow(new RegExp(file.replace(/[/.]/g, '\\$&')));
    expect(() => readKeyFile(file)).not.toThrow(/secret-looking-value/);
  });
});

describe('the key file while the gateway runs', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = tempDir('gateway-key-file');
    file = defaultKeysFile(dir);
  });
  afterEach(() => removeDir(dir));

  it('tightens a key file left readable by others, and reads it again only once it changed', async () => {
    await runKeysCommand(file, 'create', NOW);
    chmodSync(file, 0o644);
    const keys = GatewayKeyFile.open(file);
    expect(keys.private).toBe(true);
    expect(modeOf(file)).toBe(0o600);
    const first = kids(keys.current());
    expect(keys.refresh()).toBe(false);

    await runKeysCommand(file, 'rotate', NOW);
    expect(keys.current().keys).toHaveLength(2);
    expect(keys.refresh()).toBe(true);
    expect(kids(keys.current()).slice(2)).toEqual(first);
    expect(keys.refresh()).toBe(false);
  });

  it('keeps the keys it has when the file changes into something that does not parse', async () => {
    await runKeysCommand(file, 'create', NOW);
    const problems: string[] = [];
    const keys = GatewayKeyFile.open(file, (problem) => problems.push(problem));
    const before = keys.current();
    writeFileSync(file, 'not json at all, and longer than before');
    expect(keys.refresh()).toBe(false);
    expect(keys.current()).toBe(before);
    expect(problems).toEqual([expect.stringContaining('does not parse')]);
  });

  it('refuses to start without a key file', () => {
    expect(existsSync(file)).toBe(false);
    expect(() => GatewayKeyFile.open(file)).toThrow(/no keys at/);
  });
});
