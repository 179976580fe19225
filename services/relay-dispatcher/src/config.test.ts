import { loadConfig } from '@mbs/config';
import { testStaffKeys, type TestStaffKeys } from '@mbs/testing';
import { dispatcherVariables } from './config';

let staff: TestStaffKeys;
beforeAll(async () => {
  staff = await testStaffKeys();
});
/** The environment with web's public keys, which the dispatcher cannot start without. */
const env = (more: Record<string, string> = {}) => ({
  STAFF_TOKEN_KEYS: JSON.stringify(staff.keys),
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
    expect(() => loadConfig(dispatcherVariables, {})).toThrow(
      /STAFF_TOKEN_KEYS: is required but not set/,
    );
    expect(loadConfig(dispatcherVariables, env()).STAFF_TOKEN_KEYS).toEqual(staff.keys);
    const pasted = JSON.stringify({ keys: [staff.signingKey] });
    const refusal = (() => {
      try {
        loadConfig(dispatcherVariables, { STAFF_TOKEN_KEYS: pasted });
      } catch (error) {
        return String(error);
      }
    })();
    expect(refusal).toContain('STAFF_TOKEN_KEYS');
    expect(refusal).toContain('private key member');
    expect(refusal).not.toContain(staff.signingKey.d);
  });
});
