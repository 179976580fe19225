export {
  Bus,
  DEFAULT_DEAD_LETTER_RETENTION_MS,
  MAX_DEAD_LETTER_RETENTION_MS,
  type BusHealth,
  type BusOptions,
  type SubscribeOptions,
} from './bus';
export { brokerSettings, type BrokerConfig } from './broker-settings';
export { on, type DeliveryContext, type MessageHandler } from './handler';
export { BusClosedError, BusUnavailableError, PublishRejectedError } from './bus-errors';
export { Header } from './headers';
export { topologyNames, type TopologyNames } from './names';
export {
  decideFailure,
  defaultRetryPolicy,
  type FailureOutcome,
  type RetryPolicy,
} from './retry-policy';
export { BROKER_DELIVERY_LIMIT } from './topology';
