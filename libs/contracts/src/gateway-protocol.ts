import { z } from 'zod';
import { MessageReady } from './events/message-ready';
import { ModalityEventKind } from './events/modality-event-reported';
import { AccessionNumber } from './values/accession-number';
import { Id, Instant } from './values/identifiers';

/**
 * The bodies of the frames the relay dispatcher and a hospital gateway exchange over their relay
 * session (the envelope, with kind, id, replyTo and traceparent, is @mbs/relay's). Declared once
 * here; both ends validate every body against these schemas.
 *
 * Downstream, the dispatcher sends `deliver`; the gateway answers at once with a `Receipt`
 * (kind `ack`, replyTo the deliver frame) once the message is durably recorded, which is the
 * message's `delivered_at`. Upstream, the gateway sends `event` frames from its durable outbox:
 * the outcome of each delivery to the hospital (`confirmed` or `rejected`) and modality events.
 * The dispatcher answers each with an `UpstreamAck` only after it has published it, and the
 * gateway keeps the event until then.
 */

/**
 * A message for the hospital: what the gateway delivers to one of its local targets. Its fields
 * are those of *message ready*, declared there once.
 */
export const DeliverBody = MessageReady.data
  .pick({
    messageId: true,
    appointmentId: true,
    accessionNumber: true,
    messageType: true,
    target: true,
    contentType: true,
    payload: true,
  })
  .extend({
    /** Which send this is, from 1; for the gateway's logs. */
    attempt: z.number().int().min(1),
  });
export type DeliverBody = z.infer<typeof DeliverBody>;

/**
 * The gateway's immediate answer to `deliver`:
 * - `received`: recorded durably; its outcome will follow as an upstream event.
 * - `already_have`: this message id was received before. Counts as confirmed when its outcome
 *   was; otherwise the outcome still follows (or followed) upstream.
 * - `refused`: the frame cannot be delivered at all (an unknown target, an invalid body); permanent.
 */
export const Receipt = z.object({
  messageId: Id,
  status: z.enum(['received', 'already_have', 'refused']),
  /** For `already_have`: what became of the earlier delivery, when already known. */
  outcome: z.enum(['confirmed', 'rejected']).optional(),
  reason: z.string().max(2000).optional(),
});
export type Receipt = z.infer<typeof Receipt>;

/** What the hospital destination said about a delivered message. */
export const DeliveryOutcome = z.object({
  type: z.literal('delivery-outcome'),
  /** Unique per outcome report, so the dispatcher applies a resend once. */
  eventId: Id,
  messageId: Id,
  outcome: z.enum(['confirmed', 'rejected']),
  reason: z.string().max(2000).optional(),
  at: Instant,
});
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** What happened at the modality (DICOM MPPS), reported by the gateway. */
export const ModalityEvent = z.object({
  type: z.literal('modality-event'),
  eventId: Id,
  accessionNumber: AccessionNumber,
  appointmentId: Id.optional(),
  messageId: Id.optional(),
  event: ModalityEventKind,
  happenedAt: Instant,
  detail: z.string().max(2000).optional(),
});
export type ModalityEvent = z.infer<typeof ModalityEvent>;

/** The body of an upstream `event` frame. */
export const UpstreamEvent = z.discriminatedUnion('type', [DeliveryOutcome, ModalityEvent]);
export type UpstreamEvent = z.infer<typeof UpstreamEvent>;

/** The dispatcher's answer to an upstream event (kind `ack`, replyTo the event frame). */
export const UpstreamAck = z.object({
  eventId: Id,
  status: z.enum(['accepted', 'refused']),
  reason: z.string().max(2000).optional(),
});
export type UpstreamAck = z.infer<typeof UpstreamAck>;
