import { PermanentError } from '@mbs/errors';

/**
 * A built payload breaks its type's specification. Permanent: the same event and destination
 * build the same payload, so retrying cannot help; staff see the validator's message.
 */
export class PayloadInvalidError extends PermanentError {
  constructor(
    readonly messageType: string,
    readonly problems: readonly string[],
  ) {
    super('payload_invalid', `${messageType} payload is invalid: ${problems.join('; ')}`);
  }
}
