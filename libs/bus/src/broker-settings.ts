import type { BusOptions } from './bus';

/** The broker variables every service reads (`brokerVariables` of @mbs/config), parsed. */
export interface BrokerConfig {
  readonly AMQP_URL: string;
  readonly BUS_NAMESPACE: string;
  readonly BUS_DEAD_LETTER_RETENTION_DAYS: number;
}

/**
 * A service's broker configuration as `Bus.connect` takes it:
 * `Bus.connect({ ...brokerSettings(config), service, logger })`.
 */
export function brokerSettings(
  config: BrokerConfig,
): Pick<BusOptions, 'url' | 'namespace' | 'deadLetterRetentionMs'> {
  return {
    url: config.AMQP_URL,
    namespace: config.BUS_NAMESPACE,
    deadLetterRetentionMs: config.BUS_DEAD_LETTER_RETENTION_DAYS * 24 * 60 * 60 * 1000,
  };
}
