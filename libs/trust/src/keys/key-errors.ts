import { PermanentError } from '@mbs/errors';

/**
 * A key set lacks a key this operation needs (no encryption key registered for a gateway, no
 * signing key configured). Configuration is wrong; no retry helps.
 */
export class MissingKeyError extends PermanentError {
  constructor(message: string) {
    super('missing_key', message);
  }
}
