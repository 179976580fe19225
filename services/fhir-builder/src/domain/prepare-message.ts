import {
  type DataOf,
  fitReason,
  MAX_PAYLOAD_BYTES,
  type MessageFailed,
  type MessageReady,
} from '@mbs/contracts';
import { describeError } from '@mbs/errors';
import type { MessageBuilder, SentToModality } from '../builders/message-builder';
import { builderFor as registeredBuilder } from '../builders/registry';
import { PayloadInvalidError } from '../builders/payload-invalid-error';
import type { Destination } from '../destinations/destination';
import { deriveMessageId } from './derived-ids';

export type Prepared =
  | { readonly outcome: 'ready'; readonly data: DataOf<typeof MessageReady> }
  | { readonly outcome: 'failed'; readonly data: DataOf<typeof MessageFailed> };

/** Which builder makes a message type: the registry, unless a test puts a broken one in its place. */
export type BuilderLookup = (messageType: string) => MessageBuilder | undefined;

/**
 * Turns an event and the destinations of its setting (enabled or not) into either a ready
 * message or a failure that names its phase. Every outcome is an event, never a thrown error,
 * whatever a builder or validator throws: nothing here can pass on a retry (it is all pure), and
 * an appointment must not stay in sent_to_modality with nobody told why.
 */
export function prepareMessage(
  event: SentToModality,
  destinations: readonly Destination[],
  builderFor: BuilderLookup = registeredBuilder,
): Prepared {
  const { appointmentId, appointment } = event.data;
  const settingId = appointment.settingId;
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
      reason: fitReason(reason),
      attempts: 0,
    },
  });

  const ids = (list: readonly Destination[]) => list.map((d) => d.destinationId).join(', ');
  const enabled = destinations.filter((d) => d.enabled);
  if (destinations.length === 0) {
    return failed('destination_lookup', `No destination for setting ${settingId}`);
  }
  // Told apart from a missing one, because the fix differs: enable it rather than configure one.
  if (enabled.length === 0) {
    return failed(
      'destination_lookup',
      destinations.length === 1
        ? `Destination ${ids(destinations)} for setting ${settingId} is disabled`
        : `Destinations ${ids(destinations)} for setting ${settingId} are disabled`,
    );
  }
  if (enabled.length > 1) {
    return failed(
      'destination_lookup',
      `Setting ${settingId} has ${enabled.length} enabled destinations (${ids(enabled)}): disable all but one in the admin`,
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
    // A refusal carries the validator's own words; anything else is a validator that broke,
    // which a retry would break the same way.
    const reason =
      error instanceof PayloadInvalidError
        ? error.message
        : `Validating ${builder.type} failed: ${describeError(error)}`;
    return failed('validate', reason, destination);
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
