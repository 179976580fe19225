import { z } from 'zod';

/**
 * A message's life: `pending` (waiting for its next send), `sent` (a deliver is in flight),
 * `delivered` (the gateway has it; its outcome is awaited), then `confirmed` or `failed`.
 */
export const MessageStatus = z.enum(['pending', 'sent', 'delivered', 'confirmed', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

/** Statuses the delivery loop may still send from. */
export const SENDABLE: readonly MessageStatus[] = ['pending', 'sent', 'delivered'];
