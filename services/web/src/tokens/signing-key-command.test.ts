import {
  issueStaffToken,
  parseKeysJson,
  PrivateSigningJwk,
  PublicJwks,
  verifyStaffToken,
} from '@mbs/trust';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newSigningKey, PUBLIC_KEYS_FILE, SIGNING_KEY_FILE } from './signing-key-command';

describe('npm run keys -w @mbs/web (a production signing key, or the next one)', () => {
  let folder: string;
  beforeEach(() => (folder = mkdtempSync(path.join(os.tmpdir(), 'web-keys-'))));
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("writes web's key and the public set to give the services, owner-only, as their variables take them", async () => {
    const kid = await newSigningKey(folder, new Date('2026-12-07T12:00:00Z'));
    expect(kid).toMatch(/^web-20261207-[0-9a-f]{8}-sig$/);
    const read = (file: string) => readFileSync(path.join(folder, file), 'utf8');
    const key = parseKeysJson(PrivateSigningJwk, read(SIGNING_KEY_FILE), SIGNING_KEY_FILE);
    const keys = parseKeysJson(PublicJwks, read(PUBLIC_KEYS_FILE), PUBLIC_KEYS_FILE);
    expect(key.kid).toBe(kid);
    for (const file of [SIGNING_KEY_FILE, PUBLIC_KEYS_FILE])
      expect(statSync(path.join(folder, file)).mode & 0o777).toBe(0o600);
    const token = await issueStaffToken({
      subject: 'ada',
      name: 'Ada',
      role: 'clinic_staff',
      audience: 'appointment',
      signingKey: key,
    });
    await expect(verifyStaffToken(token, { audience: 'appointment', keys })).resolves.toMatchObject(
      {
        subject: 'ada',
      },
    );
  });

  it('never overwrites a key', async () => {
    await newSigningKey(folder);
    const before = readFileSync(path.join(folder, SIGNING_KEY_FILE), 'utf8');
    await expect(newSigningKey(folder)).rejects.toThrow(/EEXIST/);
    expect(readFileSync(path.join(folder, SIGNING_KEY_FILE), 'utf8')).toBe(before);
  });
});
