import {
  GatewayPrivateJwks,
  InvalidKeysError,
  issueStaffToken,
  openOrder,
  sealOrder,
  verifyStaffToken,
} from '@mbs/trust';
import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { devKeysDir, ensureDevKeys } from './dev-keys';
import { keyEnvironment, processNamed } from './index';

const mode = (file: string) => statSync(file).mode & 0o777;

describe('development keys (ensureDevKeys)', () => {
  let root: string;
  let dir: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'mbs-dev-keys-'));
    dir = devKeysDir(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('are made on first use under .data/keys, owner-only, and kept', async () => {
    const first = await ensureDevKeys(dir);
    expect(dir).toBe(path.join(root, '.data', 'keys'));
    expect(mode(dir)).toBe(0o700);
    expect(readdirSync(dir).sort()).toEqual([
      'demo-gateway-public-keys.env',
      'demo-gateway-public-keys.json',
      'dispatcher-signing-key.env',
      'dispatcher-signing-key.json',
      'gateway-dispatcher-keys.env',
      'gateway-dispatcher-keys.json',
      'gateway-private-keys.env',
      'gateway-private-keys.json',
      'staff-token-keys.env',
      'staff-token-keys.json',
      'web-signing-key.env',
      'web-signing-key.json',
    ]);
    for (const file of readdirSync(dir))
      expect([file, mode(path.join(dir, file))]).toEqual([file, 0o600]);
    expect(first.web.privateKey.kid).toMatch(/^dev-web-\d{8}-[0-9a-f]{8}-sig$/);
    expect(await ensureDevKeys(dir)).toEqual(first);
  });

  it("give web's key and, to the services, only its public half: tokens web signs verify", async () => {
    const keys = await ensureDevKeys(dir);
    expect(JSON.parse(keys.env.WEB_SIGNING_KEY)).toEqual(keys.web.privateKey);
    expect(JSON.parse(keys.env.STAFF_TOKEN_KEYS)).toEqual(keys.web.publicKeys);
    expect(keys.env.STAFF_TOKEN_KEYS).not.toContain('"d"');
    const token = await issueStaffToken({
      subject: 'ada',
      name: 'Ada',
      role: 'admin',
      audience: 'appointment',
      signingKey: keys.web.privateKey,
    });
    await expect(
      verifyStaffToken(token, {
        audience: 'appointment',
        keys: JSON.parse(keys.env.STAFF_TOKEN_KEYS),
      }),
    ).resolves.toMatchObject({ subject: 'ada' });

    expect(keyEnvironment(processNamed('web')!, keys.env)).toEqual({
      WEB_SIGNING_KEY: keys.env.WEB_SIGNING_KEY,
    });
    for (const service of ['appointment', 'fhir-builder']) {
      expect(keyEnvironment(processNamed(service)!, keys.env)).toEqual({
        STAFF_TOKEN_KEYS: keys.env.STAFF_TOKEN_KEYS,
      });
    }
  });

  it('give the dispatcher its signing key and the gateway its public half; the gateway its own keys and the dispatcher only theirs: orders sealed by one open at the other', async () => {
    const keys = await ensureDevKeys(dir);
    expect(keyEnvironment(processNamed('relay-dispatcher')!, keys.env)).toEqual({
      STAFF_TOKEN_KEYS: keys.env.STAFF_TOKEN_KEYS,
      DISPATCHER_SIGNING_KEY: keys.env.DISPATCHER_SIGNING_KEY,
      DEMO_GATEWAY_PUBLIC_KEYS: keys.env.DEMO_GATEWAY_PUBLIC_KEYS,
    });
    expect(keyEnvironment(processNamed('gateway')!, keys.env)).toEqual({
      GATEWAY_DISPATCHER_KEYS: keys.env.GATEWAY_DISPATCHER_KEYS,
      GATEWAY_PRIVATE_KEYS: keys.env.GATEWAY_PRIVATE_KEYS,
    });
    for (const variable of ['GATEWAY_DISPATCHER_KEYS', 'DEMO_GATEWAY_PUBLIC_KEYS'] as const)
      expect(keys.env[variable]).not.toContain('"d"');
    // The gateway's key file is one its own `npm run keys` could have written.
    expect(
      GatewayPrivateJwks.parse(JSON.parse(readFileSync(keys.gateway.privateKeysFile, 'utf8'))),
    ).toEqual(keys.gateway.privateKeys);
    expect(mode(keys.gateway.privateKeysFile)).toBe(0o600);

    const order = await sealOrder({
      secret: { payload: 'the order' },
      messageId: 'msg-1',
      gatewayId: 'gateway-local',
      resend: 0,
      signingKey: JSON.parse(keys.env.DISPATCHER_SIGNING_KEY),
      recipientKeys: JSON.parse(keys.env.DEMO_GATEWAY_PUBLIC_KEYS),
    });
    await expect(
      openOrder(order, {
        gatewayId: 'gateway-local',
        expected: { messageId: 'msg-1' },
        dispatcherKeys: JSON.parse(keys.env.GATEWAY_DISPATCHER_KEYS),
        privateKeys: JSON.parse(keys.env.GATEWAY_PRIVATE_KEYS),
      }),
    ).resolves.toMatchObject({ secret: { payload: 'the order' } });
    // Kept: the next runner gets the same.
    expect(await ensureDevKeys(dir)).toEqual(keys);
  });

  it('write each variable as compose reads an env file and as kubectl --from-file takes it', async () => {
    const keys = await ensureDevKeys(dir);
    expect(readFileSync(path.join(dir, 'web-signing-key.env'), 'utf8')).toBe(
      `WEB_SIGNING_KEY='${keys.env.WEB_SIGNING_KEY}'\n`,
    );
    expect(JSON.parse(readFileSync(path.join(dir, 'staff-token-keys.json'), 'utf8'))).toEqual(
      keys.web.publicKeys,
    );
  });

  it('are one key when several runners start at once (e2e suites in parallel)', async () => {
    const all = await Promise.all(Array.from({ length: 6 }, () => ensureDevKeys(dir)));
    expect(new Set(all.map((keys) => keys.web.privateKey.kid)).size).toBe(1);
    expect(readdirSync(dir).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('tighten a folder or file found readable by others', async () => {
    await ensureDevKeys(dir);
    chmodSync(dir, 0o755);
    chmodSync(path.join(dir, 'web-signing-key.json'), 0o644);
    await ensureDevKeys(dir);
    expect([mode(dir), mode(path.join(dir, 'web-signing-key.json'))]).toEqual([0o700, 0o600]);
  });

  it('refuse a key file that is not a key, naming the file and never its text', async () => {
    await ensureDevKeys(dir);
    const file = path.join(dir, 'web-signing-key.json');
    writeFileSync(file, '{"kty":"EC","d":"secret-looking-text"}');
    const refusal = await ensureDevKeys(dir).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InvalidKeysError);
    expect(String(refusal)).toContain(file);
    expect(String(refusal)).not.toContain('secret-looking-text');
  });
});
