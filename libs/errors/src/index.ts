export { AppError, TransientError, PermanentError } from './app-error';
export { isRetryable, errorCode, describeError } from './classify';
export { describeIssues, issuePath, issueTexts, type Issue } from './describe-issues';
export { backoffCeiling, backoffDelay, type BackoffOptions } from './backoff';
