import type { Bus } from '@mbs/bus';
import {
  createMessage,
  type FailurePhase,
  MessageConfirmed,
  MessageDelivered,
  MessageFailed,
} from '@mbs/contracts';
import { derivedEventId } from '../domain/derived-ids';
import type { MessageDocument } from '../messages/message-model';

const isoOf = (value: Date | string | null | undefined, fallback: Date) =>
  new Date(value ?? fallback).toISOString();

/**
 * Publishes what became of a message, with envelope ids derived from the message (and, for a
 * failure, the attempt), so publishing again after a crash or a repeated answer is recognised
 * downstream as the same event.
 */
export function createOutcomePublisher(bus: Pick<Bus, 'publish'>) {
  const flow = (m: MessageDocument) => ({
    causedBy: { id: m.readyEventId, correlationId: m.correlationId },
  });
  return {
    delivered: (m: MessageDocument, now: Date) =>
      bus.publish(
        MessageDelivered,
        createMessage(
          MessageDelivered,
          {
            messageId: m.messageId,
            appointmentId: m.appointmentId,
            gatewayId: m.gatewayId,
            deliveredAt: isoOf(m.deliveredAt, now),
            attempt: Math.max(1, m.attempts),
          },
          { id: derivedEventId('delivered', m.messageId), ...flow(m) },
        ),
      ),
    confirmed: (m: MessageDocument, alreadyHad: boolean, now: Date) =>
      bus.publish(
        MessageConfirmed,
        createMessage(
          MessageConfirmed,
          {
            messageId: m.messageId,
            appointmentId: m.appointmentId,
            gatewayId: m.gatewayId,
            confirmedAt: isoOf(m.confirmedAt, now),
            alreadyHad,
          },
          { id: derivedEventId('confirmed', m.messageId), ...flow(m) },
        ),
      ),
    failed: (m: MessageDocument, failure: { phase: FailurePhase; reason: string }) =>
      bus.publish(
        MessageFailed,
        createMessage(
          MessageFailed,
          {
            messageId: m.messageId,
            appointmentId: m.appointmentId,
            gatewayId: m.gatewayId,
            phase: failure.phase,
            reason: failure.reason.slice(0, 2000),
            attempts: m.attempts,
          },
          { id: derivedEventId('failed', m.messageId, String(m.attempts)), ...flow(m) },
        ),
      ),
  };
}

export type OutcomePublisher = ReturnType<typeof createOutcomePublisher>;
