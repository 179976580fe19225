export { LATE_CONFIRMABLE, MessageStatus, SENDABLE } from './message-status';
export { afterUnsuccessfulAttempt, type RetryDecision, type RetrySchedule } from './retry-decision';
export { decideReceipt, type ReceiptDecision } from './receipt-decision';
export { derivedEventId, outcomeEventId } from './derived-ids';
export { destinationRejection } from './destination-rejection';
