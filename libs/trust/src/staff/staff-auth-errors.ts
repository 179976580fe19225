import { PermanentError } from '@mbs/errors';
import type { StaffRole } from '@mbs/contracts';

/**
 * Why a request was not authenticated:
 * - `token_missing`: no bearer token;
 * - `token_invalid`: a bad signature, an unknown key, another kind of token, or malformed;
 * - `token_expired`: past its expiry (or issued in the future beyond the clock tolerance);
 * - `token_wrong_audience`: a token for another service.
 */
export type StaffTokenProblem =
  'token_missing' | 'token_invalid' | 'token_expired' | 'token_wrong_audience';

/** A 401: the request does not come from a verified member of staff. Names no token content. */
export class StaffTokenError extends PermanentError {
  declare readonly code: StaffTokenProblem;
  readonly statusCode = 401;

  constructor(code: StaffTokenProblem, message: string) {
    super(code, message);
  }
}

/** A 403: a verified member of staff whose role does not allow this. */
export class ForbiddenError extends PermanentError {
  declare readonly code: 'forbidden';
  readonly statusCode = 403;

  constructor(readonly required: StaffRole) {
    super('forbidden', `This needs the ${required} role`);
  }
}

/**
 * The statuses these errors answer with, for createHttpApi's `errorStatuses` (@mbs/http), which
 * then answers `{ error: code, message }`.
 */
export const staffAuthErrorStatuses = [
  [StaffTokenError, 401],
  [ForbiddenError, 403],
] as const;
