import { AppError } from '@mbs/errors';
import { fastifyOtelPlugin, type Logger } from '@mbs/telemetry';
import Fastify, { type FastifyInstance } from 'fastify';
import { InvalidInputError } from './field-errors';
import { NotFoundError } from './not-found-error';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- error classes take any arguments
type ErrorClass = abstract new (...args: any[]) => AppError;

export interface HttpApiOptions {
  readonly logger: Logger;
  /** The service's own errors and the status each answers with (404 unknown id, 409 conflict). */
  readonly errorStatuses?: ReadonlyArray<readonly [ErrorClass, number]>;
}

/**
 * A fastify app (not yet listening) with tracing and one error handler for every route:
 * - invalid input: 400 `{ errors: [{ field, problem }] }`, every wrong field at once;
 * - an id that names nothing (NotFoundError) or a route that does not exist: 404 in that form;
 * - the service's own errors: their status with `{ error: code, message }`;
 * - fastify's own refusals (a body that is not JSON): their 4xx in the same field form;
 * - anything else: logged, and a 500 that leaks nothing.
 */
export async function createHttpApi({
  logger,
  errorStatuses = [],
}: HttpApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(fastifyOtelPlugin());

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof InvalidInputError) return reply.code(400).send({ errors: error.errors });
    const known = [...errorStatuses, [NotFoundError, 404] as const].find(
      ([type]) => error instanceof type,
    );
    if (known && error instanceof AppError) {
      return reply.code(known[1]).send({ error: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      return reply
        .code(status)
        .send({ errors: [{ field: '(body)', problem: (error as Error).message }] });
    }
    logger.error(
      {
        err: error instanceof Error ? error.message : String(error),
        code: error instanceof AppError ? error.code : undefined,
        url: request.url,
      },
      'request failed',
    );
    return reply
      .code(500)
      .send({ error: 'internal_error', message: 'The request failed; see the service log' });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `No route ${request.method} ${request.url}` }),
  );
  return app;
}
