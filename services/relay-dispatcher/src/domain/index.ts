export {
  LATE_CONFIRMABLE,
  lifecycle,
  MessageStatus,
  SENDABLE,
  type TransitionName,
} from './message-lifecycle';
export { afterUnsuccessfulAttempt, type RetryDecision, type RetrySchedule } from './retry-decision';
export { decideReceipt, type ReceiptDecision } from './receipt-decision';
export { derivedEventId, outcomeEventId } from './derived-ids';
export { destinationRejection } from './destination-rejection';
