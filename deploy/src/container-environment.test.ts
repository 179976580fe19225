import { containerEnvironment } from './container-environment';
import type { BuiltResource } from './kustomize';

const settings: BuiltResource = {
  file: 'settings.yaml',
  resource: {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings' },
    data: { LOG_LEVEL: 'info', PORT: '1' },
  },
};
const keys: BuiltResource = {
  file: 'keys.yaml',
  resource: {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'keys' },
    data: { RELAY_SEND_KEY_A: Buffer.from('a-key').toString('base64') },
  },
};

describe('containerEnvironment', () => {
  it('loads envFrom first, env over it, and records where each value came from', () => {
    const result = containerEnvironment(
      {
        envFrom: [
          { configMapRef: { name: 'settings' } },
          { secretRef: { name: 'keys' } },
          { secretRef: { name: 'elsewhere' } },
        ],
        env: [
          { name: 'PORT', value: '3002' },
          {
            name: 'AMQP_URL',
            valueFrom: { secretKeyRef: { name: 'created-by-hand', key: 'AMQP_URL' } },
          },
        ],
      },
      undefined,
      [settings, keys],
    );
    expect(result.env).toEqual({
      LOG_LEVEL: 'info',
      PORT: '3002',
      RELAY_SEND_KEY_A: 'a-key',
      AMQP_URL: expect.stringMatching(/^amqps:\/\//),
    });
    expect(result.origin).toEqual({
      LOG_LEVEL: 'configMap',
      PORT: 'literal',
      RELAY_SEND_KEY_A: 'secret',
      AMQP_URL: 'secret',
    });
    expect(result.externalSecrets).toEqual(['elsewhere']);
  });

  it('fails, as the pod would, on a missing ConfigMap or key', () => {
    expect(() =>
      containerEnvironment({ envFrom: [{ configMapRef: { name: 'nope' } }] }, undefined, []),
    ).toThrow('ConfigMap nope does not exist');
    expect(() =>
      containerEnvironment(
        { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'NOPE' } } }] },
        undefined,
        [settings],
      ),
    ).toThrow('X: ConfigMap settings has no NOPE');
    expect(() =>
      containerEnvironment(
        { env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'keys', key: 'NOPE' } } }] },
        undefined,
        [keys],
      ),
    ).toThrow('X: Secret keys has no NOPE');
  });

  it('looks ConfigMaps up in the container namespace only', () => {
    expect(() =>
      containerEnvironment({ envFrom: [{ configMapRef: { name: 'settings' } }] }, 'other', [
        settings,
      ]),
    ).toThrow('ConfigMap settings does not exist');
  });

  it('has no placeholder for a secret nobody thought about', () => {
    expect(() =>
      containerEnvironment(
        {
          env: [
            { name: 'X', valueFrom: { secretKeyRef: { name: 'hand-made', key: 'API_TOKEN' } } },
          ],
        },
        undefined,
        [],
      ),
    ).toThrow('no placeholder for the secret key API_TOKEN');
  });
});
