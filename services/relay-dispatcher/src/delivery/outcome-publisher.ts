import type { Bus } from '@mbs/bus';
import {
  type AnyContract,
  createMessage,
  type DataOf,
  fitReason,
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
} from '@mbs/contracts';
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
  /** Publishes one outcome of a message (confirmed by the broker), then records it announced. */
  async function announce<C extends AnyContract>(
    contract: C,
    kind: 'delivered' | 'confirmed' | 'failed',
    m: MessageDocument,
    data: DataOf<C>,
  ): Promise<void> {
    await bus.publish(
      contract,
      createMessage(contract, data, {
        id: outcomeEventId(kind, m),
        causedBy: { id: m.readyEventId, correlationId: m.correlationId },
      }),
    );
    await messages.markAnnounced(m.messageId, kind);
  }
  const about = (m: MessageDocument) => ({
    messageId: m.messageId,
    appointmentId: m.appointmentId,
    gatewayId: m.gatewayId,
  });
  return {
    delivered: (m: MessageDocument) =>
      announce(MessageDelivered, 'delivered', m, {
        ...about(m),
        deliveredAt: isoOf(m.deliveredAt),
        attempt: Math.max(1, m.attempts),
      }),
    confirmed: (m: MessageDocument) =>
      announce(MessageConfirmed, 'confirmed', m, {
        ...about(m),
        confirmedAt: isoOf(m.confirmedAt),
        alreadyHad: m.alreadyHad ?? false,
      }),
    failed: (m: MessageDocument) =>
      announce(MessageFailed, 'failed', m, {
        ...about(m),
        phase: m.lastError?.phase ?? 'send',
        reason: fitReason(m.lastError?.reason ?? 'failed'),
        attempts: m.attempts,
      }),
  };
}

export type OutcomePublisher = ReturnType<typeof createOutcomePublisher>;
