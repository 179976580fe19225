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
 * gateway keeps the event until then (and until the ack verifies: it is signed by the dispatcher).
 *
 * What crosses the relay is protected end to end (docs/adr/0004, @mbs/trust): a deliver carries
 * its order sealed (`DeliverFrameBody`: signed by the dispatcher, encrypted to the gateway), the
 * gateway's receipts and events travel signed by it (`SignedReceipt`, `SignedUpstreamEvent`), and
 * the dispatcher's acks of those events signed by it (`SignedUpstreamAck`).
 * Readable are only what routing and tracing need: ids, kind, attempt, resend, traceparent.
 */

/**
 * Why a gateway refused a deliver (or an ack), or the dispatcher an upstream frame, because of its
 * protection (`Receipt.code`, `UpstreamAck.code`). Permanent: the same frame is refused again.
 * - `bad_signature`: unsigned, signed by an unknown key, a signature that does not verify;
 * - `wrong_audience`: addressed to another gateway (or, upstream, from another gateway);
 * - `expired`: past its expiry (or issued in the future) beyond the clock tolerance;
 * - `undecryptable`: encrypted to a key the gateway does not hold, or tampered with;
 * - `mismatched_claims`: the signed ids differ from the readable frame's;
 * - `replayed_with_different_content`: a message id the gateway has, with another order.
 */
export const FrameRefusalCode = z.enum([
  'bad_signature',
  'wrong_audience',
  'expired',
  'undecryptable',
  'mismatched_claims',
  'replayed_with_different_content',
]);
export type FrameRefusalCode = z.infer<typeof FrameRefusalCode>;

/** A compact JWS (or JWT), three base64url segments; bounded so no frame grows without limit. */
const CompactJws = z
  .string()
  .max(4 * 1024 * 1024, 'must be at most 4 MiB')
  .regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/, 'must be a compact JWS');

/**
 * What of a message is sealed in a deliver: the order, everything that identifies the participant
 * or the examination, encrypted to the gateway (`sealOrder`). Its fields are those of
 * *message ready*, declared there once.
 */
export const OrderContent = MessageReady.data.pick({
  appointmentId: true,
  accessionNumber: true,
  messageType: true,
  target: true,
  contentType: true,
  payload: true,
});
export type OrderContent = z.infer<typeof OrderContent>;

/** What a deliver says in clear: which message and which send of it. */
const DeliverIds = z.object({
  messageId: Id,
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

/**
 * A message for the hospital, as the gateway has it once it has opened the deliver: the readable
 * ids and the order's content. What the gateway records and delivers to one of its local targets.
 */
export const DeliverBody = OrderContent.extend(DeliverIds.shape);
export type DeliverBody = z.infer<typeof DeliverBody>;

/**
 * The body of a `deliver` frame as it crosses the relay: the ids in clear, and `order`, the
 * sealed order (`sealOrder` of the OrderContent: a JWT signed by the dispatcher, for this gateway,
 * carrying the same messageId, resend and attempt, whose `order` claim is a JWE to the gateway's
 * key). Sealed afresh for every send.
 */
export const DeliverFrameBody = DeliverIds.extend({ order: CompactJws });
export type DeliverFrameBody = z.infer<typeof DeliverFrameBody>;

/**
 * The gateway's immediate answer to `deliver`:
 * - `received`: recorded durably; its outcome will follow as an upstream event.
 * - `already_have`: this message id was received before (at the same or a higher `resend`).
 *   Counts as confirmed when its outcome was; otherwise the outcome still follows (or followed)
 *   upstream. Never for a message whose delivery was `unavailable`, nor for one `rejected` at a
 *   lower `resend` than this deliver's: those are taken again (`received`) and delivered again.
 *   A confirmed message is never delivered twice.
 * - `refused`: the frame cannot be delivered at all (an unknown target, an invalid body, or its
 *   protection: `code` says which); permanent. Nothing of it was recorded or delivered.
 */
export const Receipt = z.object({
  messageId: Id,
  status: z.enum(['received', 'already_have', 'refused']),
  /** For `already_have`: what became of the earlier delivery, when already known. */
  outcome: z.enum(['confirmed', 'rejected']).optional(),
  reason: ReasonAllowingEmpty.optional(),
  /** For `refused` because of the frame's protection: why (the reason says it in words). */
  code: FrameRefusalCode.optional(),
});
export type Receipt = z.infer<typeof Receipt>;

/**
 * The body of the gateway's `ack` of a deliver as it crosses the relay: the Receipt signed by the
 * gateway (`signUpstream`), its message id in clear. A receipt can confirm a message
 * (`already_have` + `confirmed`), so the dispatcher acts only on one that verifies.
 */
export const SignedReceipt = z.object({ messageId: Id, signed: CompactJws });
export type SignedReceipt = z.infer<typeof SignedReceipt>;

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

/** An upstream event: what the gateway reports, once the dispatcher has verified it. */
export const UpstreamEvent = z.discriminatedUnion('type', [DeliveryOutcome, ModalityEvent]);
export type UpstreamEvent = z.infer<typeof UpstreamEvent>;

/**
 * The body of an upstream `event` frame as it crosses the relay: the UpstreamEvent signed by the
 * gateway (`signUpstream`, afresh at every send from its outbox), its event id in clear so that
 * even a refusal can be matched to the event.
 */
export const SignedUpstreamEvent = z.object({ eventId: Id, signed: CompactJws });
export type SignedUpstreamEvent = z.infer<typeof SignedUpstreamEvent>;

/**
 * The dispatcher's answer to an upstream event, as it signs it. `code` says a refusal was about
 * the frame's signature, not the event: the gateway keeps such an event and signs and sends it
 * again (its keys or clock may be what is wrong, and are fixed).
 */
export const UpstreamAck = z.object({
  eventId: Id,
  status: z.enum(['accepted', 'refused']),
  reason: ReasonAllowingEmpty.optional(),
  code: FrameRefusalCode.optional(),
});
export type UpstreamAck = z.infer<typeof UpstreamAck>;

/**
 * The body of the dispatcher's `ack` of an upstream event (replyTo the event frame) as it crosses
 * the relay: the UpstreamAck signed by the dispatcher for this gateway (`signAck`: audience the
 * gateway, a minute to live), its event id in clear. An ack removes an event from the gateway's
 * outbox (`accepted`) or stops its resends (`refused`), so the gateway acts only on one that
 * verifies with the dispatcher's keys and whose signed event id is this one.
 */
export const SignedUpstreamAck = z.object({ eventId: Id, signed: CompactJws });
export type SignedUpstreamAck = z.infer<typeof SignedUpstreamAck>;
