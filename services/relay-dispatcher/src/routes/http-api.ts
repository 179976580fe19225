import { AppError } from '@mbs/errors';
import { fastifyOtelPlugin, type Logger } from '@mbs/telemetry';
import Fastify, { type FastifyInstance } from 'fastify';
import { GatewayExistsError, GatewayNotFoundError } from '../gateways/gateway-errors';
import { MessageNotFoundError, MessageNotResendableError } from '../messages/message-errors';
import type { MessageStore } from '../messages/message-store';
import { InvalidInputError } from './field-errors';
import { gatewayRoutes, type GatewayRouteDependencies } from './gateways';
import { healthRoutes, type HealthSources } from './health';
import { messageRoutes } from './messages';

export interface HttpApiOptions {
  readonly messages: MessageStore;
  readonly gateways: GatewayRouteDependencies;
  readonly wake: () => void;
  readonly health: HealthSources;
  readonly logger: Logger;
}

/** The HTTP API (not yet listening): messages, gateways, health. */
export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const { logger } = options;
  const app = Fastify({ logger: false });
  await app.register(fastifyOtelPlugin());

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof InvalidInputError) return reply.code(400).send({ errors: error.errors });
    if (error instanceof GatewayNotFoundError || error instanceof MessageNotFoundError) {
      return reply.code(404).send({ error: error.code, message: error.message });
    }
    if (error instanceof GatewayExistsError || error instanceof MessageNotResendableError) {
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

  messageRoutes(app, options.messages, options.wake);
  gatewayRoutes(app, options.gateways);
  healthRoutes(app, options.health);
  return app;
}
