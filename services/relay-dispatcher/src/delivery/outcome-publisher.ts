import type { Bus } from '@mbs/bus';
import { createMessage, MessageConfirmed, MessageDelivered, MessageFailed } from '@mbs/contracts';
import { outcomeEventId } from '../domain/derived-ids';
import type { MessageDocument } from '../messages/message-model';
import type { MessageStore } from '../messages/message-store';

const isoOf = (value: Date | string | null | undefined) =>
  new Date(value ?? Date.now()).toISOString();

/**
 * Publishes what became of a message, from the stored message alone, with envelope ids derived
 * from the message, its staff resend count and, for a failure, the attempt (`outcomeEventId`), so
 * publishing again (a repeated answer, the announcer's sweep after a failed publish) is
 * recognised downstream as the same event, and a resend's outcome as a new one. Each confirmed
 * publish is recorded in `announced` (emptied by a resend).
 */
export function createOutcomePublisher(
  bus: Pick<Bus, 'publish'>,
  messages: Pick<MessageStore, 'markAnnounced'>,
) {
  const flow = (m: MessageDocument) => ({
    causedBy: { id: m.readyEventId, correlationId: m.correlationId },
  });
  return {
    async delivered(m: MessageDocument): Promise<void> {
      await bus.publish(
        MessageDelivered,
        createMessage(
          MessageDelivered,
          {
            messageId: m.messageId,
            appointmentId: m.appointmentId,
            gatewayId: m.gatewayId,
            deliveredAt: isoOf(m.deliveredAt),
            attempt: Math.max(1, m.attempts),
          },
          { id: outcomeEventId('delivered', m), ...flow(m) },
        ),
      );
      await messages.markAnnounced(m.messageId, 'delivered');
    },
    async confirmed(m: MessageDocument): Promise<void> {
      await bus.publish(
        MessageConfirmed,
        createMessage(
          MessageConfirmed,
          {
            messageId: m.messageId,
            appointmentId: m.appointmentId,
            gatewayId: m.gatewayId,
            confirmedAt: isoOf(m.confirmedAt),
            alreadyHad: m.alreadyHad ?? false,
          },
          { id: outcomeEventId('confirmed', m), ...flow(m) },
        ),
      );
      await messages.markAnnounced(m.messageId, 'confirmed');
    },
    async failed(m: MessageDocument): Promise<void> {
      await bus.publish(
        MessageFailed,
        createMessage(
          MessageFailed,
          {
            messageId: m.messageId,
            appointmentId: m.appointmentId,
            gatewayId: m.gatewayId,
            phase: m.lastError?.phase ?? 'send',
            reason: (m.lastError?.reason ?? 'failed').slice(0, 2000),
            attempts: m.attempts,
          },
          { id: outcomeEventId('failed', m), ...flow(m) },
        ),
      );
      await messages.markAnnounced(m.messageId, 'failed');
    },
  };
}

export type OutcomePublisher = ReturnType<typeof createOutcomePublisher>;
