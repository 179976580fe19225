import type { BuiltResource } from './kustomize';
import { looksLikeSecret, secretLiteralProblems } from './secret-literals';

const deploymentWith = (env: Record<string, string>): BuiltResource => ({
  file: 'x.yaml',
  resource: {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'app' },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'app', env: Object.entries(env).map(([name, value]) => ({ name, value })) },
          ],
        },
      },
    },
  },
});

describe('secretLiteralProblems', () => {
  it('finds credentials in a URL, a key-shaped value and a secret by its name', () => {
    expect(
      secretLiteralProblems([
        deploymentWith({
          AMQP_URL: 'amqps://mbs:hunter2@broker:5671',
          TOKENISH: 'q2Yc9GQ1kq3Wl2xS4l0oZb6eN1mTtYvLpR8aXw3JdE0=',
          GATEWAY_KEY: 'short',
          LOG_LEVEL: 'info',
          GATEWAY_KEY_NAME: 'gateway-listen',
        }),
      ]),
    ).toEqual([
      'x.yaml: Deployment app: env AMQP_URL is a literal that looks like a secret',
      'x.yaml: Deployment app: env TOKENISH is a literal that looks like a secret',
      'x.yaml: Deployment app: env GATEWAY_KEY is a literal that looks like a secret',
    ]);
  });

  it('finds a Secret with values and a ConfigMap holding a connection string', () => {
    expect(
      secretLiteralProblems([
        {
          file: 's.yaml',
          resource: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 's' },
            stringData: { K: 'v' },
          },
        },
        {
          file: 'c.yaml',
          resource: {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'c' },
            data: { MONGODB_URL: 'mongodb://app:pw@db/' },
          },
        },
      ]),
    ).toEqual([
      's.yaml: Secret s holds literal values',
      'c.yaml: ConfigMap c: MONGODB_URL looks like a secret',
    ]);
  });

  it('leaves ordinary settings, hosts and image names alone', () => {
    expect(
      looksLikeSecret('OTEL_EXPORTER_OTLP_ENDPOINT', 'http://otel-collector.observability:4318'),
    ).toBe(false);
    expect(
      looksLikeSecret('GATEWAY_RELAY_ENDPOINT', 'wss://mbs-relay.servicebus.windows.net'),
    ).toBe(false);
  });
});
