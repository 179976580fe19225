import { type Bus, on } from '@mbs/bus';
import {
  AppointmentSentToModality,
  createMessage,
  MessageFailed,
  MessageReady,
} from '@mbs/contracts';
import { describeError } from '@mbs/errors';
import type { Destination } from '../destinations/destination';
import type { DestinationStore } from '../destinations/destination-store';
import { derivedEventId } from './derived-ids';
import { prepareMessage } from './prepare-message';

export interface SentToModalityDependencies {
  readonly bus: Pick<Bus, 'publish'>;
  readonly destinations: Pick<DestinationStore, 'enabledForSetting'>;
  /** The consumer's retry limit: on the last try a lookup that still fails becomes a failure event. */
  readonly attempts: number;
}

/**
 * Appointment sent to modality -> message ready (or message failed, naming the phase).
 *
 * Idempotent without storing anything: the message id, the envelope ids and `occurredAt` all
 * derive from the event, so a redelivery publishes identical events. Only the destination lookup
 * can fail transiently (the database is away); it is retried by the bus, and on the last try
 * becomes a destination_lookup failure so the appointment never sticks in sent_to_modality.
 */
export function appointmentSentToModality({
  bus,
  destinations,
  attempts,
}: SentToModalityDependencies) {
  return on(AppointmentSentToModality, async (event, { attempt, logger }) => {
    const causedBy = { id: event.id, correlationId: event.correlationId };
    const occurredAt = event.occurredAt;
    const settingId = event.data.appointment.settingId;

    let enabled: Destination[];
    try {
      enabled = await destinations.enabledForSetting(settingId);
    } catch (error) {
      if (attempt < attempts) throw error;
      const reason = `Could not look up the destination of setting ${settingId} after ${attempt} attempts: ${describeError(error)}`;
      logger.error({ settingId, err: describeError(error) }, reason);
      await bus.publish(
        MessageFailed,
        createMessage(
          MessageFailed,
          {
            appointmentId: event.data.appointmentId,
            phase: 'destination_lookup',
            reason: reason.slice(0, 2000),
            attempts: attempt,
          },
          { id: derivedEventId('failed', event.id), causedBy, occurredAt },
        ),
      );
      return;
    }

    const prepared = prepareMessage(event, enabled);
    if (prepared.outcome === 'failed') {
      logger.warn(
        { settingId, phase: prepared.data.phase, reason: prepared.data.reason },
        'message failed',
      );
      await bus.publish(
        MessageFailed,
        createMessage(MessageFailed, prepared.data, {
          id: derivedEventId('failed', event.id),
          causedBy,
          occurredAt,
        }),
      );
      return;
    }
    // The envelope id is the message id: it already derives from the event and everything sent.
    await bus.publish(
      MessageReady,
      createMessage(MessageReady, prepared.data, {
        id: prepared.data.messageId,
        causedBy,
        occurredAt,
      }),
    );
    logger.info(
      {
        messageId: prepared.data.messageId,
        destinationId: prepared.data.destinationId,
        messageType: prepared.data.messageType,
      },
      'message ready',
    );
  });
}
