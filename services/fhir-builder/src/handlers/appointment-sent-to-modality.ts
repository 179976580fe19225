import { type Bus, on } from '@mbs/bus';
import {
  AppointmentSentToModality,
  createMessage,
  MessageFailed,
  MessageReady,
} from '@mbs/contracts';
import { describeError, isRetryable } from '@mbs/errors';
import type { Destination } from '../destinations/destination';
import type { DestinationStore } from '../destinations/destination-store';
import { failedEventId } from './derived-ids';
import { type BuilderLookup, prepareMessage } from './prepare-message';

export interface SentToModalityDependencies {
  readonly bus: Pick<Bus, 'publish'>;
  readonly destinations: Pick<DestinationStore, 'list'>;
  /** Which builder makes each message type (the registry unless given). */
  readonly builderFor?: BuilderLookup;
}

/**
 * Appointment sent to modality -> message ready (or message failed, naming the phase).
 *
 * Idempotent without storing anything: the message id, the envelope ids and `occurredAt` all
 * derive from the event, so a redelivery publishes identical events. Only two things are retried,
 * because only they can pass later: the destination lookup while the database is away (on the
 * last try, or at once for an error that says no retry helps, it becomes a destination_lookup
 * failure) and a publish while the broker is away (the bus retries the whole delivery). Building
 * and validating are pure, so whatever they throw becomes a build or validate failure at once:
 * the appointment never sticks in sent_to_modality, and nothing is dead-lettered silently.
 */
export function appointmentSentToModality({
  bus,
  destinations,
  builderFor,
}: SentToModalityDependencies) {
  return on(AppointmentSentToModality, async (event, { attempt, lastAttempt, logger }) => {
    const causedBy = { id: event.id, correlationId: event.correlationId };
    const occurredAt = event.occurredAt;
    const settingId = event.data.appointment.settingId;

    let ofSetting: Destination[];
    try {
      ofSetting = await destinations.list({ settingId });
    } catch (error) {
      if (isRetryable(error) && !lastAttempt) throw error;
      const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
      const reason = `Could not look up the destination of setting ${settingId}${tries}: ${describeError(error)}`;
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
          { id: failedEventId(event.id), causedBy, occurredAt },
        ),
      );
      return;
    }

    const prepared = prepareMessage(event, ofSetting, builderFor);
    if (prepared.outcome === 'failed') {
      logger.warn(
        { settingId, phase: prepared.data.phase, reason: prepared.data.reason },
        'message failed',
      );
      await bus.publish(
        MessageFailed,
        createMessage(MessageFailed, prepared.data, {
          id: failedEventId(event.id),
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
