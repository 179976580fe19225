import { on } from '@mbs/bus';
import { MessageReady } from '@mbs/contracts';
import { newTraceparent } from '@mbs/relay';
import { currentTraceparent } from '@mbs/telemetry';
import type { MessageStore } from '../messages/message-store';

export interface MessageReadyDependencies {
  readonly messages: Pick<MessageStore, 'insert'>;
  /** Wakes the delivery loop so a new message is sent at once, not at the next poll. */
  readonly wake: () => void;
}

/**
 * Message ready -> a stored, pending message. Stored once by its message id (`insertOnce`): a
 * redelivered message ready finds it stored and changes nothing, so it is sent only as its
 * schedule says. The consumer span's trace is kept with it, for every frame about it.
 */
export function messageReady({ messages, wake }: MessageReadyDependencies) {
  return on(MessageReady, async (message, { logger }) => {
    const { created } = await messages.insert(message, {
      traceparent: currentTraceparent() ?? newTraceparent(),
    });
    logger.info(
      { messageId: message.data.messageId, gatewayId: message.data.gatewayId, created },
      created ? 'message stored' : 'message already stored; nothing to do',
    );
    if (created) wake();
  });
}
