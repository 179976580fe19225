export { AppError, TransientError, PermanentError } from './app-error';
export { isRetryable, errorCode, describeError } from './classify';
export { backoffCeiling, backoffDelay, type BackoffOptions } from './backoff';
