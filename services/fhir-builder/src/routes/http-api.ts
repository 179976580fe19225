import { AppError } from '@mbs/errors';
import { fastifyOtelPlugin, type Logger } from '@mbs/telemetry';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  DestinationConflictError,
  DestinationExistsError,
  DestinationNotFoundError,
} from '../destinations/destination-errors';
import type { DestinationStore } from '../destinations/destination-store';
import { destinationRoutes } from './destinations';
import { InvalidInputError } from './field-errors';
import { healthRoutes, type HealthSources } from './health';
import { messageTypeRoutes } from './message-types';

export interface HttpApiOptions {
  readonly destinations: DestinationStore;
  readonly health: HealthSources;
  readonly logger: Logger;
}

/** The HTTP API (not yet listening): destinations, message types, health. */
export async function buildHttpApi({
  destinations,
  health,
  logger,
}: HttpApiOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(fastifyOtelPlugin());

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof InvalidInputError) return reply.code(400).send({ errors: error.errors });
    if (error instanceof DestinationNotFoundError) {
      return reply.code(404).send({ error: error.code, message: error.message });
    }
    if (error instanceof DestinationConflictError || error instanceof DestinationExistsError) {
      return reply.code(409).send({ error: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status && status >= 400 && status < 500) {
      // fastify's own refusals (a body that is not JSON, a wrong content type)
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

  destinationRoutes(app, destinations);
  messageTypeRoutes(app);
  healthRoutes(app, health);
  return app;
}
