import {
  type DataOf,
  MAX_PAYLOAD_BYTES,
  type MessageFailed,
  type MessageReady,
} from '@mbs/contracts';
import { describeError } from '@mbs/errors';
import { builderFor } from '../builders/registry';
import type { SentToModality } from '../builders/message-builder';
import { PayloadInvalidError } from '../builders/payload-invalid-error';
import type { Destination } from '../destinations/destination';
import { deriveMessageId } from './derived-ids';

export type Prepared =
  | { readonly outcome: 'ready'; readonly data: DataOf<typeof MessageReady> }
  | { readonly outcome: 'failed'; readonly data: DataOf<typeof MessageFailed> };

const REASON_LIMIT = 2000;

/**
 * Turns an event and the setting's enabled destinations into either a ready message or a
 * failure that names its phase. Every outcome is an event, never a thrown error: an appointment
 * must not stay in sent_to_modality with nobody told why.
 */
export function prepareMessage(event: SentToModality, enabled: readonly Destination[]): Prepared {
  const { appointmentId, appointment } = event.data;
  const failed = (
    phase: DataOf<typeof MessageFailed>['phase'],
    reason: string,
    destination?: Destination,
  ): Prepared => ({
    outcome: 'failed',
    data: {
      appointmentId,
      ...(destination && { gatewayId: destination.gatewayId }),
      phase,
      reason: reason.length > REASON_LIMIT ? `${reason.slice(0, REASON_LIMIT - 1)}…` : reason,
      attempts: 0,
    },
  });

  if (enabled.length === 0) {
    return failed(
      'destination_lookup',
      `No enabled destination for setting ${appointment.settingId}: configure one in the admin`,
    );
  }
  if (enabled.length > 1) {
    return failed(
      'destination_lookup',
      `Setting ${appointment.settingId} has ${enabled.length} enabled destinations (${enabled
        .map((d) => d.destinationId)
        .join(', ')}): disable all but one in the admin`,
    );
  }
  const destination = enabled[0]!;
  const builder = builderFor(destination.messageType);
  if (!builder) {
    return failed(
      'build',
      `Destination ${destination.destinationId} has message type ${destination.messageType}, which this service cannot build`,
      destination,
    );
  }

  let built;
  try {
    built = builder.build(event, destination);
  } catch (error) {
    return failed('build', `Building ${builder.type} failed: ${describeError(error)}`, destination);
  }
  const bytes = Buffer.byteLength(built.payload);
  if (bytes > MAX_PAYLOAD_BYTES) {
    return failed(
      'build',
      `The ${builder.type} payload is ${bytes} bytes; at most ${MAX_PAYLOAD_BYTES} may be sent`,
      destination,
    );
  }
  try {
    builder.validate(built.payload);
  } catch (error) {
    if (!(error instanceof PayloadInvalidError)) throw error;
    return failed('validate', error.message, destination);
  }

  return {
    outcome: 'ready',
    data: {
      messageId: deriveMessageId({
        eventId: event.id,
        messageType: builder.type,
        destinationId: destination.destinationId,
        gatewayId: destination.gatewayId,
        target: destination.target,
        payload: built.payload,
      }),
      appointmentId,
      accessionNumber: appointment.accessionNumber,
      destinationId: destination.destinationId,
      gatewayId: destination.gatewayId,
      messageType: builder.type,
      target: destination.target,
      contentType: built.contentType,
      payload: built.payload,
    },
  };
}
