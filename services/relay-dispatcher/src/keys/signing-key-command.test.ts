import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrivateSigningJwk, publicJwk, PublicJwks } from '@mbs/trust';
import { newDispatcherSigningKey, PUBLIC_KEYS_FILE, SIGNING_KEY_FILE } from './signing-key-command';

describe('npm run keys -w @mbs/relay-dispatcher', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'dispatcher-keys-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a private signing key and its public set, owner-only, and never over existing ones', async () => {
    const folder = path.join(dir, 'next');
    const kid = await newDispatcherSigningKey(folder, new Date('2026-12-05T00:00:00Z'));
    expect(kid).toMatch(/^dispatcher-20261205-[0-9a-f]{8}-sig$/);
    const read = (file: string) => JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
    const key = PrivateSigningJwk.parse(read(SIGNING_KEY_FILE));
    expect(PublicJwks.parse(read(PUBLIC_KEYS_FILE))).toEqual({ keys: [publicJwk(key)] });
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    for (const file of [SIGNING_KEY_FILE, PUBLIC_KEYS_FILE])
      expect(statSync(path.join(folder, file)).mode & 0o777).toBe(0o600);
    await expect(newDispatcherSigningKey(folder)).rejects.toThrow(/EEXIST/);
    expect(PrivateSigningJwk.parse(read(SIGNING_KEY_FILE))).toEqual(key);
  });
});
