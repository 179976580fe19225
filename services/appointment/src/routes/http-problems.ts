import type { FastifyReply } from 'fastify';
import type { z } from 'zod';

/** One wrong field of a request, as the 400 body lists it. */
export interface FieldProblem {
  readonly field: string;
  readonly problem: string;
}

/** Parses query or path parameters, or answers 400 naming every wrong field; undefined then. */
export function parseOr400<T>(
  schema: z.ZodType<T>,
  input: unknown,
  reply: FastifyReply,
): T | undefined {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const problems: FieldProblem[] = result.error.issues.flatMap((issue) =>
    // An unknown parameter is named as its own field rather than as "the request".
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ field: key, problem: 'is not a known parameter' }))
      : [
          {
            field: issue.path.length > 0 ? issue.path.join('.') : '(request)',
            problem: issue.message,
          },
        ],
  );
  void reply.code(400).send({
    error: 'invalid_request',
    message: `The request is not valid: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`,
    problems,
  });
  return undefined;
}

/** 404 with a message that says what was not found. */
export function notFound(reply: FastifyReply, message: string) {
  return reply.code(404).send({ error: 'not_found', message });
}
