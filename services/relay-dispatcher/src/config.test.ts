import { loadConfig } from '@mbs/config';
import { testStaffKeys, type TestStaffKeys } from '@mbs/testing';
import {
  generateGatewayKeySet,
  generateSigningKey,
  type GatewayKeySet,
  type PrivateSigningJwk,
} from '@mbs/trust';
import { dispatcherVariables } from './config';

let staff: TestStaffKeys;
let signingKey: PrivateSigningJwk;
let demoGateway: GatewayKeySet;
beforeAll(async () => {
  staff = await testStaffKeys();
  signingKey = await generateSigningKey('dispatcher-1');
  demoGateway = await generateGatewayKeySet();
});
/** The environment with web's public keys and its own signing key, which it cannot start without. */
const env = (more: Record<string, string> = {}) => ({
  STAFF_TOKEN_KEYS: JSON.stringify(staff.keys),
  DISPATCHER_SIGNING_KEY: JSON.stringify(signingKey),
  ...more,
});

describe('relay-dispatcher configuration', () => {
  it('keeps confirmed payloads 30 days by default, and at least a day', () => {
    expect(loadConfig(dispatcherVariables, env()).DISPATCHER_PAYLOAD_RETENTION_DAYS).toBe(30);
    expect(
      loadConfig(dispatcherVariables, env({ DISPATCHER_PAYLOAD_RETENTION_DAYS: '90' }))
        .DISPATCHER_PAYLOAD_RETENTION_DAYS,
    ).toBe(90);
    expect(() =>
      loadConfig(dispatcherVariables, env({ DISPATCHER_PAYLOAD_RETENTION_DAYS: '0' })),
    ).toThrow(/DISPATCHER_PAYLOAD_RETENTION_DAYS/);
  });

  it("needs web's public keys, even in development, and refuses a private key in their place without quoting it", () => {
    expect(() =>
      loadConfig(dispatcherVariables, { DISPATCHER_SIGNING_KEY: JSON.stringify(signingKey) }),
    ).toThrow(/STAFF_TOKEN_KEYS: is required but not set/);
    expect(loadConfig(dispatcherVariables, env()).STAFF_TOKEN_KEYS).toEqual(staff.keys);
    const pasted = JSON.stringify({ keys: [staff.signingKey] });
    const refusal = (() => {
      try {
        loadConfig(dispatcherVariables, env({ STAFF_TOKEN_KEYS: pasted }));
      } catch (error) {
        return String(error);
      }
    })();
    expect(refusal).toContain('STAFF_TOKEN_KEYS');
    expect(refusal).toContain('private key member');
    expect(refusal).not.toContain(staff.signingKey.d);
  });

  it('needs its own signing key, even in development, and never quotes it', () => {
    const problem = (given: Record<string, string>) => {
      try {
        loadConfig(dispatcherVariables, given);
        return '';
      } catch (error) {
        return String(error);
      }
    };
    expect(problem({ STAFF_TOKEN_KEYS: JSON.stringify(staff.keys) })).toMatch(
      /DISPATCHER_SIGNING_KEY: is required but not set/,
    );
    expect(loadConfig(dispatcherVariables, env()).DISPATCHER_SIGNING_KEY).toEqual(signingKey);
    // An encryption key, or a public one, is not a signing key: refused without its value.
    const wrong = problem(
      env({ DISPATCHER_SIGNING_KEY: JSON.stringify(demoGateway.privateKeys.keys[1]) }),
    );
    expect(wrong).toMatch(/DISPATCHER_SIGNING_KEY/);
    expect(wrong).not.toContain(demoGateway.privateKeys.keys[1].d);
  });

  it("takes the demo gateway's public keys when given, and refuses a private set there", () => {
    expect(loadConfig(dispatcherVariables, env()).DEMO_GATEWAY_PUBLIC_KEYS).toBeUndefined();
    expect(
      loadConfig(
        dispatcherVariables,
        env({ DEMO_GATEWAY_PUBLIC_KEYS: JSON.stringify(demoGateway.publicKeys) }),
      ).DEMO_GATEWAY_PUBLIC_KEYS,
    ).toEqual(demoGateway.publicKeys);
    expect(() =>
      loadConfig(
        dispatcherVariables,
        env({ DEMO_GATEWAY_PUBLIC_KEYS: JSON.stringify(demoGateway.privateKeys) }),
      ),
    ).toThrow(/DEMO_GATEWAY_PUBLIC_KEYS: .*private key member/);
  });
});
