import { PermanentError } from '@mbs/errors';

export class MessageNotFoundError extends PermanentError {
  constructor(readonly messageId: string) {
    super('message_not_found', `No message ${messageId}`);
  }
}

/** Only a failed message can be resent; the others are still on their way or done. */
export class MessageNotResendableError extends PermanentError {
  constructor(
    readonly messageId: string,
    readonly status: string,
  ) {
    super(
      'message_not_resendable',
      `Message ${messageId} is ${status}: only a failed message can be resent`,
    );
  }
}
