import { type Bus, on } from '@mbs/bus';
import {
  AppointmentSentToModality,
  createMessage,
  type DataOf,
  fitReason,
  MessageFailed,
  MessageReady,
  parseMessage,
} from '@mbs/contracts';
import { describeError, isRetryable } from '@mbs/errors';
import type { Destination } from '../destinations/destination';
import type { DestinationStore } from '../destinations/destination-store';
import { answerBrokenSentEvent } from '../sent-event/broken-sent-event';
import { failedEventId } from '../domain/derived-ids';
import { type BuilderLookup, prepareMessage } from '../domain/prepare-message';
import { SentEventEnvelope } from '../sent-event/sent-event-envelope';

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
 * failure) and the publish of message ready while the broker is away (on the last try it becomes
 * a retry_limit failure, if that can still be published). Building and validating are pure, so
 * whatever they throw becomes a build or validate failure at once, and an event that breaks its
 * contract is answered with a build failure before it is dead-lettered: the appointment never
 * sticks in sent_to_modality with nobody told.
 */
export function appointmentSentToModality({
  bus,
  destinations,
  builderFor,
}: SentToModalityDependencies) {
  return on(SentEventEnvelope, async (envelope, { attempt, lastAttempt, logger }) => {
    const parsed = parseMessage(AppointmentSentToModality, envelope);
    if (!parsed.ok) return answerBrokenSentEvent(bus, envelope, parsed.error, logger);
    const event = parsed.message;
    const causedBy = { id: event.id, correlationId: event.correlationId };
    const occurredAt = event.occurredAt;
    const settingId = event.data.appointment.settingId;
    const publishFailed = (data: DataOf<typeof MessageFailed>) =>
      bus.publish(
        MessageFailed,
        createMessage(
          MessageFailed,
          { ...data, reason: fitReason(data.reason) },
          { id: failedEventId(event.id), causedBy, occurredAt },
        ),
      );

    let ofSetting: Destination[];
    try {
      ofSetting = await destinations.list({ settingId });
    } catch (error) {
      if (isRetryable(error) && !lastAttempt) throw error;
      const tries = attempt > 1 ? ` after ${attempt} attempts` : '';
      const reason = `Could not look up the destination of setting ${settingId}${tries}: ${describeError(error)}`;
      logger.error({ settingId, err: describeError(error) }, reason);
      await publishFailed({
        appointmentId: event.data.appointmentId,
        phase: 'destination_lookup',
        reason,
        attempts: attempt,
      });
      return;
    }

    const prepared = prepareMessage(event, ofSetting, builderFor);
    if (prepared.outcome === 'failed') {
      logger.warn(
        { settingId, phase: prepared.data.phase, reason: prepared.data.reason },
        'message failed',
      );
      await publishFailed(prepared.data);
      return;
    }
    const { messageId, destinationId, gatewayId, messageType } = prepared.data;
    try {
      // The envelope id is the message id: it already derives from the event and everything sent.
      await bus.publish(
        MessageReady,
        createMessage(MessageReady, prepared.data, { id: messageId, causedBy, occurredAt }),
      );
    } catch (error) {
      if (isRetryable(error) && !lastAttempt) throw error;
      // Nobody else will tell appointment: the dispatcher never saw the message. If this publish
      // fails too, the error goes up and the event is dead-lettered (staff can still withdraw
      // the send). Should message ready have reached the broker after all, the hospital's
      // confirmation arrives late and appointment takes it as it takes any late confirmation.
      const reason = `Message ${messageId} was built but could not be handed on for delivery after ${attempt} attempt${attempt === 1 ? '' : 's'}: ${describeError(error)}`;
      logger.error({ messageId, err: describeError(error) }, reason);
      await publishFailed({
        messageId,
        appointmentId: event.data.appointmentId,
        gatewayId,
        phase: 'retry_limit',
        reason,
        attempts: attempt,
      }).catch(() => {
        throw error;
      });
      return;
    }
    logger.info({ messageId, destinationId, messageType }, 'message ready');
  });
}
