import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';

/**
 * The envelope of every frame exchanged over a connected relay socket. Bodies are opaque here:
 * the dispatcher and the gateway validate them against their own contracts.
 */
export const sessionFrameKinds = ['deliver', 'ack', 'event', 'ping', 'pong', 'error'] as const;
export type SessionFrameKind = (typeof sessionFrameKinds)[number];

/** W3C Trace Context `traceparent`: version-traceid-parentid-flags, lower-case hex. */
export const traceparentSchema = z
  .string()
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent');

export const sessionFrameSchema = z.object({
  kind: z.enum(sessionFrameKinds),
  id: z.string().min(1).max(128),
  traceparent: traceparentSchema.optional(),
  /** The id of the frame this one answers. */
  replyTo: z.string().min(1).max(128).optional(),
  body: z.unknown().optional(),
});

export type SessionFrame = z.infer<typeof sessionFrameSchema>;

/** A frame to send: the id may be left to the session. */
export type OutgoingFrame = Omit<SessionFrame, 'id'> & { readonly id?: string };

/** The body of an `error` frame. */
export const errorFrameBodySchema = z.object({
  code: z.string().min(1),
  reason: z.string(),
});
export type ErrorFrameBody = z.infer<typeof errorFrameBodySchema>;

/** Why this session sends an `error` frame. */
export type SessionErrorCode =
  'malformed_frame' | 'frame_too_large' | 'unhandled_frame' | 'handler_failed';

export function newFrameId(): string {
  return randomUUID();
}

/** A fresh sampled traceparent, for frames that do not continue a trace. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}
