export {
  DEFAULT_MAX_CONCURRENT_DELIVERIES,
  DeliveryRunner,
  type DeliveryRunnerOptions,
} from './delivery-runner';
export { deliverFile, dropFileName } from './deliver-file';
export { deliverHttp } from './deliver-http';
export {
  TargetRedirectsError,
  TargetRejectedError,
  TargetUnavailableError,
  type DeliveryPhase,
} from './delivery-errors';
export { delayBeforeRetry, parseRetryAfter } from './retry-after';
