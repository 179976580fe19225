import { z } from 'zod';
import { defineContract } from '../contract';
import { Id, Instant } from '../values/identifiers';
import { Reason } from '../values/reason';

/** The gateway has the message (its receipt acknowledgement arrived). */
export const MessageDelivered = defineContract({
  kind: 'event',
  type: 'message.delivered',
  version: 1,
  description: 'The gateway received the message',
  data: z.object({
    messageId: Id,
    appointmentId: Id,
    gatewayId: Id,
    deliveredAt: Instant,
    attempt: z.number().int().min(1),
  }),
});

/**
 * The gateway confirms the hospital destination accepted the message. `alreadyHad` is true when
 * the gateway answered a resend with "already have it": the earlier delivery was confirmed there.
 */
export const MessageConfirmed = defineContract({
  kind: 'event',
  type: 'message.confirmed',
  version: 1,
  description: 'The hospital destination accepted the message',
  data: z.object({
    messageId: Id,
    appointmentId: Id,
    gatewayId: Id,
    confirmedAt: Instant,
    alreadyHad: z.boolean(),
  }),
});

/**
 * The phase in which a message failed. Naming the phase is the lesson of NHS's 2026-07-07
 * incident: three different faults looked like one timeout because none said where it failed.
 */
export const FailurePhase = z.enum([
  'destination_lookup',
  'build',
  'validate',
  'connect',
  'send',
  'ack_timeout',
  'confirm_timeout',
  'destination_rejected',
  /** The hospital system was down (refused, timed out, 5xx) after the gateway's own retries. */
  'destination_unavailable',
  'retry_limit',
]);
export type FailurePhase = z.infer<typeof FailurePhase>;

/** A message will not reach the hospital without staff acting (resend or fix configuration). */
export const MessageFailed = defineContract({
  kind: 'event',
  type: 'message.failed',
  version: 1,
  description: 'A message could not be delivered or was rejected',
  data: z.object({
    /** Absent when no message could be built (no destination, invalid payload). */
    messageId: Id.optional(),
    appointmentId: Id,
    gatewayId: Id.optional(),
    phase: FailurePhase,
    reason: Reason,
    attempts: z.number().int().min(0),
  }),
});
