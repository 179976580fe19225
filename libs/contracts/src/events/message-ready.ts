import { z } from 'zod';
import { defineContract } from '../contract';
import { AccessionNumber } from '../values/accession-number';
import { Id } from '../values/identifiers';

/** Payloads above this never go on the bus or over the relay; builders fail permanently instead. */
export const MAX_PAYLOAD_BYTES = 512 * 1024;

/**
 * A message for a hospital is built and valid. `messageId` is derived deterministically from
 * the event, type, destination, gateway and payload, so a redelivered event yields the same
 * message, which the dispatcher stores once and the gateway delivers once.
 *
 * The payload is text with its content type (FHIR JSON today; HL7 v2 or others are one builder
 * away), so the transport never depends on the message type.
 */
export const MessageReady = defineContract({
  kind: 'event',
  type: 'message.ready',
  version: 1,
  description: 'A message for a hospital destination is built and validated',
  data: z.object({
    messageId: Id,
    appointmentId: Id,
    accessionNumber: AccessionNumber,
    destinationId: Id,
    gatewayId: Id,
    messageType: z.string().min(1).max(64),
    /** Where inside the hospital the gateway delivers it (a name from the gateway's local targets). */
    target: z.string().min(1).max(200),
    contentType: z.string().min(1).max(100),
    payload: z
      .string()
      .min(1)
      .refine((text) => Buffer.byteLength(text) <= MAX_PAYLOAD_BYTES, {
        error: `must be at most ${MAX_PAYLOAD_BYTES} bytes`,
      }),
  }),
});
