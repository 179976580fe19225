import { ConfigError, loadConfig } from '@mbs/config';
import {
  InvalidKeysError,
  parseKeysJson,
  privateJwksVariable,
  privateJwkVariable,
  publicJwksVariable,
} from './config-variables';
import {
  generateEncryptionKey,
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  type GatewayKeySet,
} from './keys/generate-keys';
import { PublicJwks, type PrivateSigningJwk } from './keys/key-schemas';

const spec = {
  WEB_SIGNING_KEY: privateJwkVariable({ description: "web's private signing key" }),
  WEB_PUBLIC_KEYS: publicJwksVariable({ description: "web's public keys", uses: ['sig'] }),
  GATEWAY_PRIVATE_KEYS: privateJwksVariable({ description: "this gateway's keys" }),
};

let web: PrivateSigningJwk;
let gateway: GatewayKeySet;
beforeAll(async () => {
  web = await generateSigningKey('web-1');
  gateway = await generateGatewayKeySet();
});

const env = (overrides: Record<string, string | undefined> = {}) => ({
  WEB_SIGNING_KEY: JSON.stringify(web),
  WEB_PUBLIC_KEYS: JSON.stringify({ keys: [publicJwk(web)] }),
  GATEWAY_PRIVATE_KEYS: JSON.stringify(gateway.privateKeys),
  ...overrides,
});

function problems(overrides: Record<string, string | undefined>) {
  try {
    loadConfig(spec, env(overrides));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('key variables', () => {
  it('parse keys from JSON', () => {
    expect(loadConfig(spec, env())).toEqual({
      WEB_SIGNING_KEY: web,
      WEB_PUBLIC_KEYS: { keys: [publicJwk(web)] },
      GATEWAY_PRIVATE_KEYS: gateway.privateKeys,
    });
  });

  it('are never echoed, and have no development default', () => {
    for (const variable of Object.values(spec)) {
      expect(variable.secret).toBe(true);
      expect(variable.devDefault).toBeUndefined();
      expect(variable.default).toBeUndefined();
    }
    expect(problems({ WEB_SIGNING_KEY: undefined })).toEqual([
      {
        variable: 'WEB_SIGNING_KEY',
        problem: "is required but not set (web's private signing key)",
      },
    ]);
  });

  it('name the variable and the problem, and never echo a private key', () => {
    const broken = JSON.stringify(web).slice(0, -5);
    expect(problems({ WEB_SIGNING_KEY: broken })).toEqual([
      {
        variable: 'WEB_SIGNING_KEY',
        problem: 'must be a private signing JWK as JSON (it does not parse)',
      },
    ]);
    const withoutD = { ...web, d: undefined };
    const [missing] = problems({ WEB_SIGNING_KEY: JSON.stringify(withoutD) });
    expect(missing?.problem).toMatch(/^d: /);
    expect(missing?.problem).not.toContain(web.x);
  });

  it('refuse an encryption key where a signing key is wanted', async () => {
    const enc = await generateEncryptionKey('enc-1');
    expect(problems({ WEB_SIGNING_KEY: JSON.stringify(enc) })).toEqual([
      {
        variable: 'WEB_SIGNING_KEY',
        problem: 'use: must be "sig" (a signing key); alg: must be "ES256"',
      },
    ]);
  });

  it('refuse a public set with a private member, or without a key of a required use', async () => {
    const [leak] = problems({ WEB_PUBLIC_KEYS: JSON.stringify({ keys: [web] }) });
    expect(leak?.problem).toMatch(/^keys\.0\.d: is a private key member/);
    expect(leak?.problem).not.toContain(web.d);
    const encOnly = { keys: [publicJwk(gateway.privateKeys.keys[1])] };
    expect(problems({ WEB_PUBLIC_KEYS: JSON.stringify(encOnly) })).toEqual([
      {
        variable: 'WEB_PUBLIC_KEYS',
        problem: expect.stringContaining('keys: must hold a signing key (use "sig")'),
      },
    ]);
  });

  it("require a gateway's private set to hold a signing and an encryption key", () => {
    const signingOnly = { keys: [gateway.privateKeys.keys[0]] };
    expect(problems({ GATEWAY_PRIVATE_KEYS: JSON.stringify(signingOnly) })).toEqual([
      {
        variable: 'GATEWAY_PRIVATE_KEYS',
        problem: 'keys: must hold an encryption key (use "enc")',
      },
    ]);
  });
});

describe('parseKeysJson', () => {
  it('parses keys read from elsewhere', () => {
    const text = JSON.stringify({ keys: [publicJwk(web)] });
    expect(parseKeysJson(PublicJwks, text, 'keys.json')).toEqual({ keys: [publicJwk(web)] });
  });

  it('names the source and every problem', () => {
    const text = JSON.stringify({ keys: [web, { ...publicJwk(web), crv: 'P-521' }] });
    expect(() => parseKeysJson(PublicJwks, text, 'keys.json')).toThrow(
      new InvalidKeysError(
        'keys.json: keys.0.d: is a private key member: a public key must not carry it; ' +
          'keys.1.crv: must be "P-256"',
      ),
    );
    expect(() => parseKeysJson(PublicJwks, '{', 'keys.json')).toThrow(
      'keys.json: must be keys as JSON (it does not parse)',
    );
  });
});
