import { ConfigError, loadConfig } from '@mbs/config';
import { webVariables } from './config';

describe("web's configuration", () => {
  it('runs in development with no setting at all, with the documented development accounts', () => {
    const config = loadConfig(webVariables, {});
    expect(config).toMatchObject({
      PORT: 3000,
      WEB_PUBLIC_URL: 'http://127.0.0.1:3000',
      WEB_ADMIN_USERNAME: 'admin',
      WEB_ADMIN_PASSWORD: 'screening-admin-dev',
      WEB_SESSION_IDLE_MINUTES: 30,
      WEB_PASSWORD_HASH_MEMORY_KIB: 19456,
      WEB_PASSWORD_HASH_ITERATIONS: 2,
      APPOINTMENT_URL: 'http://127.0.0.1:3002',
    });
  });

  it('refuses to start in production without the first administrator, a session secret and its addresses', () => {
    let error: unknown;
    try {
      loadConfig(webVariables, { NODE_ENV: 'production' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const named = (error as ConfigError).problems.map((p) => p.variable);
    expect(named).toEqual(
      expect.arrayContaining([
        'WEB_ADMIN_USERNAME',
        'WEB_ADMIN_PASSWORD',
        'WEB_SESSION_SECRET',
        'WEB_PUBLIC_URL',
        'APPOINTMENT_URL',
        'FHIR_BUILDER_URL',
        'DISPATCHER_URL',
        'AMQP_URL',
        'MONGODB_URL',
      ]),
    );
  });

  it('refuses a short session secret or admin password without echoing them', () => {
    expect(() =>
      loadConfig(webVariables, { WEB_SESSION_SECRET: 'short-secret', WEB_ADMIN_PASSWORD: 'tiny' }),
    ).toThrow(
      /WEB_SESSION_SECRET: must be at least 32 characters[\s\S]*WEB_ADMIN_PASSWORD: must be at least 12 characters/,
    );
    expect(() => loadConfig(webVariables, { WEB_SESSION_SECRET: 'short-secret' })).not.toThrow(
      /short-secret/,
    );
  });
});
