import { ConfigError, loadConfig } from '@mbs/config';
import {
  generateGatewayKeySet,
  generateSigningKey,
  publicJwk,
  type PrivateSigningJwk,
} from '@mbs/trust';
import { gatewayVariables, keysFileOf } from './config';

let dispatcherKey: PrivateSigningJwk;
/** What every gateway is given and has no default for: the dispatcher's public keys. */
let keyed: Record<string, string>;
beforeAll(async () => {
  dispatcherKey = await generateSigningKey('dispatcher-1');
  keyed = { GATEWAY_DISPATCHER_KEYS: JSON.stringify({ keys: [publicJwk(dispatcherKey)] }) };
});

describe('gateway configuration', () => {
  it('runs on a laptop with no settings: the emulator, the dev Listen key and the dev targets', () => {
    const config = loadConfig(gatewayVariables, keyed);
    expect(config).toMatchObject({
      GATEWAY_RELAY_ENDPOINT: 'ws://127.0.0.1:9090',
      GATEWAY_HYBRID_CONNECTION: 'gateway-local',
      GATEWAY_KEY_NAME: 'listen',
      GATEWAY_KEY: 'dev-listen-key-not-secret',
      GATEWAY_DATA_DIR: '.data/gateway',
      PORT: 3005,
      LOG_LEVEL: 'info',
    });
    expect(config.GATEWAY_TARGETS.map((t) => [t.name, t.kind])).toEqual([
      ['ris-fhir', 'http'],
      ['worklist-drop', 'file'],
    ]);
  });

  it('fills target defaults (timeout, retries)', () => {
    const config = loadConfig(gatewayVariables, {
      ...keyed,
      GATEWAY_TARGETS: '[{"name":"ris","kind":"http","url":"https://ris.example.nhs.uk/fhir"}]',
    });
    expect(config.GATEWAY_TARGETS).toEqual([
      {
        name: 'ris',
        kind: 'http',
        url: 'https://ris.example.nhs.uk/fhir',
        timeoutMs: 5000,
        retries: 3,
      },
    ]);
  });

  it('makes file targets owner-only unless they say their files are for the group', () => {
    const config = loadConfig(gatewayVariables, {
      ...keyed,
      GATEWAY_TARGETS: JSON.stringify([
        { name: 'own', kind: 'file', directory: '/srv/own' },
        { name: 'shared', kind: 'file', directory: '/srv/shared', groupReadable: true },
      ]),
    });
    expect(
      config.GATEWAY_TARGETS.map((t) => t.kind === 'file' && t.groupReadable === true),
    ).toEqual([false, true]);
  });

  it('names GATEWAY_TARGETS and the target field that is wrong', () => {
    const load = () =>
      loadConfig(gatewayVariables, {
        ...keyed,
        GATEWAY_TARGETS: JSON.stringify([
          { name: 'ris', kind: 'http', url: 'ftp://x', retries: -1 },
          { name: 'ris', kind: 'file' },
        ]),
      });
    expect(load).toThrow(ConfigError);
    const message = (() => {
      try {
        load();
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('GATEWAY_TARGETS: [0].url: must use http:// or https://');
    expect(message).toContain('[0].retries');
    expect(message).toContain('[1].directory');
  });

  it('refuses targets that are not JSON, or with duplicate names', () => {
    expect(() => loadConfig(gatewayVariables, { GATEWAY_TARGETS: '[{' })).toThrow(
      /GATEWAY_TARGETS: is not JSON/,
    );
    expect(() =>
      loadConfig(gatewayVariables, {
        ...keyed,
        GATEWAY_TARGETS: JSON.stringify([
          { name: 'a', kind: 'file', directory: '/x' },
          { name: 'a', kind: 'file', directory: '/y' },
        ]),
      }),
    ).toThrow(/target names must be unique/);
  });

  it('treats GATEWAY_TARGETS as a secret: a bad value is reported without any of its content', () => {
    // Targets can hold a hospital system's API key in their headers.
    expect(gatewayVariables.GATEWAY_TARGETS.secret).toBe(true);
    const apiKey = 'hospital-api-key-3f9a7c';
    const message = (env: Record<string, string>) => {
      try {
        loadConfig(gatewayVariables, env);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    const badUrl = message({
      GATEWAY_TARGETS: JSON.stringify([
        { name: 'ris', kind: 'http', url: 'not a url', headers: { 'x-api-key': apiKey } },
      ]),
    });
    const notJson = message({ GATEWAY_TARGETS: `[{"headers":{"x-api-key":"${apiKey}"` });
    expect(badUrl).toContain('GATEWAY_TARGETS: [0].url: must be a URL');
    expect(notJson).toContain('GATEWAY_TARGETS: is not JSON');
    for (const text of [badUrl, notJson]) {
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain('x-api-key');
    }
  });

  it('keeps confirmed payloads 30 days by default, and at least a day', () => {
    expect(loadConfig(gatewayVariables, keyed).GATEWAY_PAYLOAD_RETENTION_DAYS).toBe(30);
    expect(
      loadConfig(gatewayVariables, { ...keyed, GATEWAY_PAYLOAD_RETENTION_DAYS: '7' })
        .GATEWAY_PAYLOAD_RETENTION_DAYS,
    ).toBe(7);
    expect(() =>
      loadConfig(gatewayVariables, { ...keyed, GATEWAY_PAYLOAD_RETENTION_DAYS: '0' }),
    ).toThrow(/GATEWAY_PAYLOAD_RETENTION_DAYS/);
  });

  it('uses no development defaults in production, and never echoes the key', () => {
    expect(() => loadConfig(gatewayVariables, { NODE_ENV: 'production' })).toThrow(
      /GATEWAY_RELAY_ENDPOINT[\s\S]*GATEWAY_KEY:[\s\S]*GATEWAY_TARGETS/,
    );
    expect(() =>
      loadConfig(gatewayVariables, { GATEWAY_KEY: '', GATEWAY_RELAY_ENDPOINT: 'https://x' }),
    ).toThrow(/GATEWAY_RELAY_ENDPOINT: must use ws:\/\/ or wss:\/\//);
  });

  it('listens only on this machine in development; production names the interface and the API token', () => {
    expect(loadConfig(gatewayVariables, keyed).HOST).toBe('127.0.0.1');
    expect(() => loadConfig(gatewayVariables, { NODE_ENV: 'production' })).toThrow(
      /HOST:[\s\S]*GATEWAY_API_TOKEN:/,
    );
    let problem = '';
    try {
      loadConfig(gatewayVariables, { ...keyed, GATEWAY_API_TOKEN: 'short-secret-123' });
    } catch (error) {
      problem = String(error);
    }
    expect(problem).toMatch(/GATEWAY_API_TOKEN: must be at least 24 characters/);
    expect(problem).not.toContain('short-secret-123');
  });

  it('knows its id, its key file and the dispatcher keys it accepts; no key has a default', async () => {
    const problem = (env: Record<string, string>) => {
      try {
        loadConfig(gatewayVariables, env);
        return '';
      } catch (error) {
        return String(error);
      }
    };
    const config = loadConfig(gatewayVariables, keyed);
    expect(config.GATEWAY_ID).toBe('gateway-local');
    expect(keysFileOf(config)).toBe('.data/gateway/keys/gateway-keys.json');
    expect(
      keysFileOf(loadConfig(gatewayVariables, { ...keyed, GATEWAY_KEYS_FILE: '/run/keys.json' })),
    ).toBe('/run/keys.json');
    expect(config.GATEWAY_DISPATCHER_KEYS.keys.map((key) => key.kid)).toEqual(['dispatcher-1']);
    // Its own keys come from the key file unless a platform gives them as a variable.
    expect(config.GATEWAY_PRIVATE_KEYS).toBeUndefined();
    const own = await generateGatewayKeySet();
    expect(
      loadConfig(gatewayVariables, {
        ...keyed,
        GATEWAY_PRIVATE_KEYS: JSON.stringify(own.privateKeys),
      }).GATEWAY_PRIVATE_KEYS,
    ).toEqual(own.privateKeys);
    const halfSet = problem({
      ...keyed,
      GATEWAY_PRIVATE_KEYS: JSON.stringify({ keys: [own.privateKeys.keys[0]] }),
    });
    expect(halfSet).toMatch(/GATEWAY_PRIVATE_KEYS: .*encryption key/);
    expect(halfSet).not.toContain(own.privateKeys.keys[0].d);

    expect(problem({})).toMatch(/GATEWAY_DISPATCHER_KEYS: is required/);
    expect(problem({ ...keyed, NODE_ENV: 'production' })).toMatch(/GATEWAY_ID: is required/);
    // The dispatcher's PRIVATE key pasted by mistake: refused, and never quoted.
    const pasted = problem({ GATEWAY_DISPATCHER_KEYS: JSON.stringify({ keys: [dispatcherKey] }) });
    expect(pasted).toMatch(/GATEWAY_DISPATCHER_KEYS: .*private key member/);
    expect(pasted).not.toContain(dispatcherKey.d);
  });
});
