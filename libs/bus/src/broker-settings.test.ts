import { brokerSettings } from './broker-settings';
import { DEFAULT_DEAD_LETTER_RETENTION_MS } from './bus';

describe('brokerSettings', () => {
  it('takes the URL and namespace as they are, and the dead-letter retention in days', () => {
    expect(
      brokerSettings({
        AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
        BUS_NAMESPACE: 'mbs',
        BUS_DEAD_LETTER_RETENTION_DAYS: 14,
      }),
    ).toEqual({
      url: 'amqp://guest:guest@127.0.0.1:5672',
      namespace: 'mbs',
      deadLetterRetentionMs: DEFAULT_DEAD_LETTER_RETENTION_MS,
    });
  });
});
