import { z } from 'zod';
import { MessageReady } from './events/message-ready';
import { AccessionNumber } from './values/accession-number';
import { Id, Instant } from './values/identifiers';
import { ModalityEventKind } from './values/modality-event-kind';
import { ReasonAllowingEmpty } from './values/reason';

/**
 * The bodies of the frames the relay dispatcher and a hospital gateway exchange over their relay
 * session (the envelope, with kind, id, replyTo and traceparent, is @mbs/relay's). Declared once
 * here; both ends validate every body against these schemas.
 *
 * Downstream, the dispatcher sends `deliver`; the gateway answers at once with a `Receipt`
 * (kind `ack`, replyTo the deliver frame) once the message is durably recorded, which is the
 * message's `delivered_at`. Upstream, the gateway sends `event` frames from its durable outbox:
 * the outcome of each delivery to the hospital (`confirmed`, `rejected` or `unavailable`) and
 * modality events.
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
    /** Which send this is, from 1 (counted again from 1 after a resend); for the gateway's logs. */
    attempt: z.number().int().min(1),
    /**
     * How many times staff have resent this message: 0 (or absent, from a dispatcher that did not
     * count resends) on its first send. A gateway that recorded the message `rejected` at a lower
     * count takes it again and delivers it again (the hospital fixed its side); a deliver with the
     * count it recorded is a retry or a duplicate and is answered `already_have`.
     */
    resend: z.number().int().min(0).optional(),
  });
export type DeliverBody = z.infer<typeof DeliverBody>;

/**
 * The gateway's immediate answer to `deliver`:
 * - `received`: recorded durably; its outcome will follow as an upstream event.
 * - `already_have`: this message id was received before (at the same or a higher `resend`).
 *   Counts as confirmed when its outcome was; otherwise the outcome still follows (or followed)
 *   upstream. Never for a message whose delivery was `unavailable`, nor for one `rejected` at a
 *   lower `resend` than this deliver's: those are taken again (`received`) and delivered again.
 *   A confirmed message is never delivered twice.
 * - `refused`: the frame cannot be delivered at all (an unknown target, an invalid body); permanent.
 */
export const Receipt = z.object({
  messageId: Id,
  status: z.enum(['received', 'already_have', 'refused']),
  /** For `already_have`: what became of the earlier delivery, when already known. */
  outcome: z.enum(['confirmed', 'rejected']).optional(),
  reason: ReasonAllowingEmpty.optional(),
});
export type Receipt = z.infer<typeof Receipt>;

/**
 * What the hospital destination said about a delivered message (`outcome`):
 * - `confirmed`: the destination accepted the message.
 * - `rejected`: the destination refused it (a 4xx, an unknown target, a target URL that
 *   redirects); sending it again will be refused the same way until someone fixes the cause.
 *   Permanent: only a staff resend (a higher `resend`) has the gateway deliver it again.
 * - `unavailable`: the destination could not be reached or did not take it (connection refused,
 *   timeout, 5xx, 408, 429, a write failure) even after the gateway's own retries. Not the message's
 *   fault: the dispatcher sends it again later, and the gateway then delivers it again.
 *   `reason` says what failed.
 */
export const DeliveryOutcome = z
  .object({
    type: z.literal('delivery-outcome'),
    /** Unique per outcome report, so the dispatcher applies a resend once. */
    eventId: Id,
    messageId: Id,
    outcome: z.enum(['confirmed', 'rejected', 'unavailable']),
    reason: ReasonAllowingEmpty.optional(),
    /**
     * The `resend` of the deliver this outcome is about (absent: 0). The dispatcher ignores a
     * rejection or unavailability reported for an earlier resend than the message's current one.
     */
    resend: z.number().int().min(0).optional(),
    at: Instant,
  })
  .refine((event) => event.outcome !== 'unavailable' || (event.reason ?? '').length > 0, {
    error: 'an unavailable outcome must say why (reason)',
    path: ['reason'],
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
  /** When it happened at the modality (not when it reached the gateway or the cloud). */
  happenedAt: Instant,
  detail: ReasonAllowingEmpty.optional(),
});
export type ModalityEvent = z.infer<typeof ModalityEvent>;

/**
 * What a modality (or the hospital sink standing in for one) reports to the gateway's local
 * POST /modality-events: a ModalityEvent before the gateway gives it an id; the time defaults to
 * when the gateway received it. Unknown fields are refused.
 */
export const ModalityReport = ModalityEvent.omit({ type: true, eventId: true })
  .extend({ happenedAt: Instant.optional() })
  .strict();
export type ModalityReport = z.infer<typeof ModalityReport>;

/** The body of an upstream `event` frame. */
export const UpstreamEvent = z.discriminatedUnion('type', [DeliveryOutcome, ModalityEvent]);
export type UpstreamEvent = z.infer<typeof UpstreamEvent>;

/** The dispatcher's answer to an upstream event (kind `ack`, replyTo the event frame). */
export const UpstreamAck = z.object({
  eventId: Id,
  status: z.enum(['accepted', 'refused']),
  reason: ReasonAllowingEmpty.optional(),
});
export type UpstreamAck = z.infer<typeof UpstreamAck>;
