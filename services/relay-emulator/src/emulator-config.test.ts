import { ConfigError, loadConfig } from '@mbs/config';
import { emulatorVariables, entitiesFrom } from './emulator-config';
import { DEV_ENTITIES } from './entities';

describe('relay emulator configuration', () => {
  it('runs on documented defaults: port 9090, the gateway-local dev hybrid connection', () => {
    const config = loadConfig(emulatorVariables, {});
    expect(config).toMatchObject({
      RELAY_EMULATOR_PORT: 9090,
      RELAY_EMULATOR_HOST: '0.0.0.0',
      RELAY_EMULATOR_RENDEZVOUS_TTL_MS: 30000,
    });
    expect(entitiesFrom(config.RELAY_EMULATOR_ENTITIES)).toBe(DEV_ENTITIES);
    expect(DEV_ENTITIES[0]?.keys.map((key) => [key.name, key.rights])).toEqual([
      ['listen', ['Listen']],
      ['send', ['Send']],
      ['manage', ['Manage', 'Listen', 'Send']],
    ]);
  });

  it('reads hybrid connections from RELAY_EMULATOR_ENTITIES', () => {
    const entities = entitiesFrom(
      JSON.stringify([
        { path: 'gateway-rxx', keys: [{ name: 'gw', key: 'k1', rights: ['Listen'] }] },
      ]),
    );
    expect(entities).toEqual([
      {
        path: 'gateway-rxx',
        requiresClientAuthorization: true,
        keys: [{ name: 'gw', key: 'k1', rights: ['Listen'] }],
      },
    ]);
  });

  it('names what is wrong with RELAY_EMULATOR_ENTITIES', () => {
    expect(() => entitiesFrom('{not json')).toThrow(ConfigError);
    expect(() =>
      entitiesFrom('[{"path":"a b","keys":[{"name":"k","key":"v","rights":["Read"]}]}]'),
    ).toThrow(
      /RELAY_EMULATOR_ENTITIES: 0\.path: .*\n.*RELAY_EMULATOR_ENTITIES: 0\.keys\.0\.rights\.0/,
    );
    expect(() =>
      entitiesFrom(
        '[{"path":"a","keys":[{"name":"k","key":"v","rights":["Send"]}]},{"path":"A","keys":[{"name":"k","key":"v","rights":["Send"]}]}]',
      ),
    ).toThrow(/unique/);
  });
});
