import { ConfigError, loadConfig } from '@mbs/config';
import { generateSigningKey, publicJwk, type PrivateSigningJwk } from '@mbs/trust';
import { webVariables } from './config';

let key: PrivateSigningJwk;
beforeAll(async () => {
  key = await generateSigningKey('test-web-sig');
});

describe("web's configuration", () => {
  it('runs in development with nothing but its signing key, with the documented development accounts', () => {
    const config = loadConfig(webVariables, { WEB_SIGNING_KEY: JSON.stringify(key) });
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
    expect(config.WEB_SIGNING_KEY).toEqual(key);
  });

  it('needs its signing key even in development (npm start generates one), and never quotes it', () => {
    const refusal = (env: Record<string, string>) => {
      try {
        loadConfig(webVariables, env);
      } catch (error) {
        return (error as ConfigError).message;
      }
      throw new Error('loaded');
    };
    expect(refusal({})).toMatch(/WEB_SIGNING_KEY: is required but not set/);
    // Its public half is not a signing key: refused, and named without its value.
    const message = refusal({ WEB_SIGNING_KEY: JSON.stringify(publicJwk(key)) });
    expect(message).toContain('WEB_SIGNING_KEY');
    const broken = refusal({ WEB_SIGNING_KEY: JSON.stringify({ ...key, crv: 'P-384' }) });
    expect(broken).toContain('WEB_SIGNING_KEY');
    expect(broken).not.toContain(key.d);
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
        'WEB_SIGNING_KEY',
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
