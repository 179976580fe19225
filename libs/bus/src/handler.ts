import type { AnyContract, MessageOf } from '@mbs/contracts';
import type { Logger } from '@mbs/telemetry';

export interface DeliveryContext {
  /** Which try this is, from 1. */
  readonly attempt: number;
  /**
   * No further try follows if this one fails transiently: the message goes to the dead-letter
   * queue. A handler whose silence would strand someone (an appointment waiting for its order)
   * uses it to report the failure downstream before giving up.
   */
  readonly lastAttempt: boolean;
  /** The broker delivered this before without an ack (a consumer or connection died). */
  readonly redelivered: boolean;
  /** A logger bound to this message (type, id, correlation, attempt). */
  readonly logger: Logger;
}

/**
 * One handler for one contract. Handlers must be idempotent by `message.id` (delivery is
 * at-least-once) and say how they failed: throw a PermanentError when a retry cannot help,
 * anything else is retried with backoff.
 */
export interface MessageHandler<C extends AnyContract = AnyContract> {
  readonly contract: C;
  handle(message: MessageOf<C>, context: DeliveryContext): Promise<void>;
}

/** Pairs a contract with its handler, keeping the message type precise. */
export function on<C extends AnyContract>(
  contract: C,
  handle: (message: MessageOf<C>, context: DeliveryContext) => Promise<void>,
): MessageHandler<C> {
  return { contract, handle };
}
