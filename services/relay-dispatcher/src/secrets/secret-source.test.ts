import { environmentSecrets } from './secret-source';

describe('environment secrets', () => {
  it('reads RELAY_SEND_KEY_* variables and nothing else, whatever a gateway names', async () => {
    const secrets = environmentSecrets(
      {
        NODE_ENV: 'production',
        RELAY_SEND_KEY_GATEWAY_LEEDS: 'leeds-key',
        AMQP_URL: 'amqp://user:password@broker',
        MONGODB_URL: 'mongodb://user:password@db',
      },
      {},
    );
    expect(await secrets.get('RELAY_SEND_KEY_GATEWAY_LEEDS')).toBe('leeds-key');
    expect(await secrets.get('AMQP_URL')).toBeUndefined();
    expect(await secrets.get('MONGODB_URL')).toBeUndefined();
    expect(await secrets.get('RELAY_SEND_KEY_GATEWAY_YORK')).toBeUndefined();
  });

  it('falls back to the development key outside production only', async () => {
    const dev = environmentSecrets({ NODE_ENV: 'development' });
    expect(await dev.get('RELAY_SEND_KEY_GATEWAY_LOCAL')).toBe('dev-send-key-not-secret');
    const production = environmentSecrets({ NODE_ENV: 'production' });
    expect(await production.get('RELAY_SEND_KEY_GATEWAY_LOCAL')).toBeUndefined();
  });
});
