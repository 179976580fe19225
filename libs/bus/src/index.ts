export {
  Bus,
  DEFAULT_DEAD_LETTER_RETENTION_MS,
  MAX_DEAD_LETTER_RETENTION_MS,
  type BusHealth,
  type BusOptions,
  type DeadLetterReader,
  type SubscribeOptions,
} from './bus';
export { brokerSettings, type BrokerConfig } from './broker-settings';
export { on, type DeliveryContext, type MessageHandler } from './handler';
export {
  BusClosedError,
  BusUnavailableError,
  DeadLettersUnavailableError,
  PublishRefusedError,
  PublishRejectedError,
} from './bus-errors';
export {
  brokerPermissions,
  NOTHING,
  type BrokerPermissions,
  type BrokerRole,
  type TopicPermission,
} from './broker-permissions';
export {
  brokerDefinitions,
  rabbitPasswordHash,
  type BrokerDefinitions,
  type BrokerUser,
} from './broker-definitions';
export {
  deleteUsersWithRabbitmqctl,
  importDefinitionsOverHttp,
  importDefinitionsWithRabbitmqctl,
  type RabbitmqctlOptions,
} from './broker-admin';
export {
  DEFAULT_DEAD_LETTER_PEEK,
  MAX_DEAD_LETTER_PEEK,
  MAX_FAILURE_REASON_CHARS,
  type DeadLetter,
  type DeadLetterPeek,
} from './dead-letters';
export { Header } from './headers';
export { escapeRegExp, topologyNames, type TopologyNames } from './names';
export {
  decideFailure,
  defaultRetryPolicy,
  type FailureOutcome,
  type RetryPolicy,
} from './retry-policy';
export { BROKER_DELIVERY_LIMIT, sharedTopology, type SharedTopology } from './topology';
