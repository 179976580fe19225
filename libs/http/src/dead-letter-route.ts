import { TransientError } from '@mbs/errors';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, parseInput } from './field-errors';
import { queryInteger } from './query-values';

/**
 * A consumer's dead-letter queue, as @mbs/bus's `bus.deadLetters(consumer)` gives it: looked at
 * with the service's own broker user, without taking anything.
 */
export interface DeadLetterSource {
  readonly defaultLimit: number;
  readonly maxLimit: number;
  /** The queue's count and its first `limit` dead letters, their bodies left out. */
  peek(limit: number): Promise<object>;
}

/**
 * Answers a look at `source`'s dead letters, `?limit=` (from 1 to its max, its default when
 * absent): 200 with what the look found, 400 naming `limit` (or an unknown parameter), 503 when
 * the broker could not be asked. Never cached: it describes patients' messages. For the route
 * below, and for web's own, which is behind its sign-in instead of a token.
 */
export async function answerDeadLetters(
  source: DeadLetterSource,
  query: unknown,
  reply: FastifyReply,
): Promise<FastifyReply> {
  reply.header('cache-control', 'no-store');
  let limit: number;
  try {
    const parsed = parseInput(
      z.strictObject({ limit: queryInteger({ min: 1, max: source.maxLimit }).optional() }),
      query ?? {},
    );
    limit = parsed.limit ?? source.defaultLimit;
  } catch (error) {
    if (error instanceof InvalidInputError) return reply.code(400).send(error.body);
    throw error;
  }
  try {
    return reply.code(200).send(await source.peek(limit));
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    return reply.code(503).send({ error: error.code, message: error.message });
  }
}

/**
 * `GET /dead-letters` for admins: the service's own consumer's dead letters, looked at with its
 * own broker user (which may read no other service's), listed without their bodies.
 */
export function deadLetterRoute(app: FastifyInstance, source: DeadLetterSource): void {
  app.get('/dead-letters', { config: { access: 'admin', takesQuery: true } }, (request, reply) =>
    answerDeadLetters(source, request.query, reply),
  );
}
