import type { FailurePhase } from '@mbs/contracts';
import { z } from 'zod';

/**
 * A message's life: `pending` (waiting for its next send), `sent` (a deliver is in flight),
 * `delivered` (the gateway has it; its outcome is awaited), then `confirmed` or `failed`.
 */
export const MessageStatus = z.enum(['pending', 'sent', 'delivered', 'confirmed', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Statuses the delivery loop may still send from. */
export const SENDABLE: readonly MessageStatus[] = ['pending', 'sent', 'delivered'];

/**
 * Failures a late `confirmed` outcome overrides: the dispatcher stopped waiting, but the hospital
 * never said no, so when it does accept the message, that is what happened. A rejection
 * (`destination_rejected`) or a refused frame (`send`) is never overridden.
 */
export const LATE_CONFIRMABLE: readonly FailurePhase[] = [
  'confirm_timeout',
  'retry_limit',
  'destination_unavailable',
];
