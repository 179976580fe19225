import { AccessionNumber, Id, Instant } from '@mbs/contracts';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { parseInput, queryInteger } from '@mbs/http';
import { MessageStatus } from '../domain/message-lifecycle';
import { MessageNotFoundError, MessageNotResendableError } from '../messages/message-errors';
import type { MessageStore } from '../messages/message-store';
import { messageDetail, messageSummary } from '../messages/message-view';

/** GET /messages query: every filter optional; unknown parameters are named and refused. */
export const MessageQuery = z.strictObject({
  status: MessageStatus.optional(),
  destinationId: Id.optional(),
  gatewayId: Id.optional(),
  appointmentId: Id.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  accession: AccessionNumber.optional(),
  limit: queryInteger({ min: 1, max: 500 }).optional(),
});

/**
 * The path of a route about one message, checked like any other input: an empty id
 * (`GET /messages/`) or one no message can have is a 400 naming the field, never a query.
 */
const MessagePath = z.strictObject({ messageId: Id });
const idOf = (params: unknown) => parseInput(MessagePath, params).messageId;

/**
 * Messages: search and list, detail with history (clinic staff: web shows an order's steps), and
 * resend of a failed one (admins).
 */
export function messageRoutes(
  app: FastifyInstance,
  messages: MessageStore,
  wake: () => void,
): void {
  app.get(
    '/messages',
    { config: { access: 'clinic_staff', takesQuery: true } },
    async (request) => {
      const query = parseInput(MessageQuery, request.query);
      const found = await messages.list({
        ...query,
        from: query.from ? new Date(query.from) : undefined,
        to: query.to ? new Date(query.to) : undefined,
      });
      return { messages: found.map(messageSummary) };
    },
  );

  app.get('/messages/:messageId', { config: { access: 'clinic_staff' } }, async (request) => {
    const messageId = idOf(request.params);
    const found = await messages.get(messageId);
    if (!found) throw new MessageNotFoundError(messageId);
    return messageDetail(found);
  });

  app.post(
    '/messages/:messageId/resend',
    { config: { access: 'admin' } },
    async (request, reply) => {
      const messageId = idOf(request.params);
      const resent = await messages.resend(messageId, new Date());
      if (!resent) {
        const found = await messages.get(messageId);
        if (!found) throw new MessageNotFoundError(messageId);
        throw new MessageNotResendableError(messageId, found.status);
      }
      wake();
      return reply.code(202).send(messageDetail(resent));
    },
  );
}
