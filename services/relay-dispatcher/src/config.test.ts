import { loadConfig } from '@mbs/config';
import { dispatcherVariables } from './config';

describe('relay-dispatcher configuration', () => {
  it('keeps confirmed payloads 30 days by default, and at least a day', () => {
    expect(loadConfig(dispatcherVariables, {}).DISPATCHER_PAYLOAD_RETENTION_DAYS).toBe(30);
    expect(
      loadConfig(dispatcherVariables, { DISPATCHER_PAYLOAD_RETENTION_DAYS: '90' })
        .DISPATCHER_PAYLOAD_RETENTION_DAYS,
    ).toBe(90);
    expect(() =>
      loadConfig(dispatcherVariables, { DISPATCHER_PAYLOAD_RETENTION_DAYS: '0' }),
    ).toThrow(/DISPATCHER_PAYLOAD_RETENTION_DAYS/);
  });
});
