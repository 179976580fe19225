import { FailurePhase, Id, Instant } from '@mbs/contracts';
import { z } from 'zod';
import type { QueryAs, QueryClient } from './query-client';

/** What web reads of relay-dispatcher's messages (its README, "HTTP API"); tolerant as above. */
export const MessageStatus = z.enum(['pending', 'sent', 'delivered', 'confirmed', 'failed']);
export type MessageStatus = z.infer<typeof MessageStatus>;

const LastError = z.object({ phase: FailurePhase, reason: z.string(), at: Instant.nullable() });

export const MessageSummary = z.object({
  messageId: Id,
  appointmentId: Id,
  destinationId: Id,
  gatewayId: Id,
  messageType: z.string(),
  status: MessageStatus,
  attempts: z.number().int(),
  resends: z.number().int(),
  lastError: LastError.nullable(),
  createdAt: Instant,
  sentAt: Instant.nullable(),
  deliveredAt: Instant.nullable(),
  confirmedAt: Instant.nullable(),
  failedAt: Instant.nullable(),
  traceId: z.string().nullable(),
});
export type MessageSummary = z.infer<typeof MessageSummary>;

export const MessageStep = z.object({
  at: Instant,
  /** `stored`, `sent`, `delivered`, `confirmed`, `retry`, `failed`, `resend`. */
  event: z.string(),
  attempt: z.number().int(),
  detail: z.string().optional(),
});
export type MessageStep = z.infer<typeof MessageStep>;

export const MessageWithHistory = MessageSummary.extend({ history: z.array(MessageStep) });
export type MessageWithHistory = z.infer<typeof MessageWithHistory>;

const Messages = z.object({ messages: z.array(MessageSummary) });

/** How many of an appointment's messages its page shows, newest first. */
export const MESSAGES_SHOWN = 10;

export type DispatcherQueries = ReturnType<typeof dispatcherQueries>;

export function dispatcherQueries(client: QueryClient) {
  return {
    /** An appointment's messages, newest first, each with the steps it went through. */
    async messagesOf(as: QueryAs, appointmentId: string): Promise<MessageWithHistory[]> {
      const query = new URLSearchParams({ appointmentId, limit: String(MESSAGES_SHOWN) });
      const { messages } = await client.get(`/messages?${query.toString()}`, Messages, as);
      return Promise.all(
        messages.map((m) =>
          client.get(`/messages/${encodeURIComponent(m.messageId)}`, MessageWithHistory, as),
        ),
      );
    },
  };
}
