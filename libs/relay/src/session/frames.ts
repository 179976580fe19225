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
  .string({ error: 'every frame carries a W3C traceparent' })
  .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent');

/**
 * Every frame carries a `traceparent`, whichever side sends it: a frame without one is malformed
 * and is answered with a `malformed_frame` error. RelaySession fills it in on frames sent
 * without one (see OutgoingFrame), so only a foreign peer can leave it out.
 */
export const sessionFrameSchema = z.object({
  kind: z.enum(sessionFrameKinds),
  id: z.string().min(1).max(128),
  traceparent: traceparentSchema,
  /** The id of the frame this one answers. */
  replyTo: z.string().min(1).max(128).optional(),
  body: z.unknown().optional(),
});

export type SessionFrame = z.infer<typeof sessionFrameSchema>;

/**
 * A frame to send: the id and the traceparent may be left to the session. A reply (`replyTo`)
 * without a traceparent continues the trace of the frame it answers; any other frame starts one.
 */
export type OutgoingFrame = Omit<SessionFrame, 'id' | 'traceparent'> & {
  readonly id?: string;
  readonly traceparent?: string;
};

/** The body of an `error` frame. */
export const errorFrameBodySchema = z.object({
  code: z.string().min(1),
  reason: z.string(),
});
export type ErrorFrameBody = z.infer<typeof errorFrameBodySchema>;

/**
 * Why this session sends an `error` frame. An oversized frame gets no error frame: `ws` closes
 * the socket with 1009 before the frame is read.
 */
export type SessionErrorCode = 'malformed_frame' | 'unhandled_frame' | 'handler_failed';

export function newFrameId(): string {
  return randomUUID();
}

/** A fresh sampled traceparent, for frames that do not continue a trace. */
export function newTraceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

/**
 * The traceparent of a frame sent in answer to one carrying `incoming`: the same trace and
 * flags, with a new parent id (the answering side's span). W3C Trace Context, section 3.2.
 * A missing or malformed `incoming` starts a new trace.
 */
export function continueTrace(incoming: string | undefined): string {
  if (!incoming || !traceparentSchema.safeParse(incoming).success) return newTraceparent();
  const [version, traceId, , flags] = incoming.split('-');
  return `${version}-${traceId}-${randomBytes(8).toString('hex')}-${flags}`;
}
