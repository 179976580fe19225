import type { AppointmentSentToModality, MessageOf } from '@mbs/contracts';

export type SentToModality = MessageOf<typeof AppointmentSentToModality>;

/**
 * What a builder needs to know about the destination. A structural subset of a Destination, so
 * builders never import the destinations module (and the destinations module can list the
 * registered types without a cycle).
 */
export interface BuildTarget {
  readonly destinationId: string;
  readonly settingId: string;
  readonly name: string;
  readonly gatewayId: string;
  readonly target: string;
}

export interface BuiltPayload {
  readonly contentType: string;
  /** The payload as the gateway will receive it (text, serialised once, here). */
  readonly payload: string;
}

/**
 * One message type. `build` is a pure function of the event and the destination: no clock, no
 * random ids, so a redelivered event gives the same bytes and therefore the same message id.
 * `validate` throws a PayloadInvalidError when the payload breaks its type's specification.
 */
export interface MessageBuilder {
  readonly type: string;
  readonly description: string;
  readonly contentType: string;
  build(event: SentToModality, destination: BuildTarget): BuiltPayload;
  validate(payload: string): void;
}
