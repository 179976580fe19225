export { createHttpApi, MAX_PARAM_LENGTH, type HttpApiOptions } from './create-http-api';
export { answerDeadLetters, deadLetterRoute, type DeadLetterSource } from './dead-letter-route';
export {
  InvalidInputError,
  MAX_LISTED_ERRORS,
  parseInput,
  type FieldError,
  type InvalidInputBody,
} from './field-errors';
export { healthRoutes, type HealthChecks, type HealthReport } from './health-routes';
export { NotFoundError } from './not-found-error';
export { queryInteger } from './query-values';
export {
  capConnections,
  DEFAULT_SERVER_LIMITS,
  resolveServerLimits,
  ServerLimits,
  serverLimitOptions,
} from './server-limits';
export type { RouteAccess } from './route-config';
export { requireStaff, staffAccessVariables, type StaffAccessOptions } from './staff-access';
