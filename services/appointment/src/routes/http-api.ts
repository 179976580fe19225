import { fastifyOtelPlugin, type Logger } from '@mbs/telemetry';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import type { Models } from '../store/models';
import { appointmentRoute } from './appointment';
import { clinicAppointmentsRoute } from './clinic-appointments';
import { clinicsRoute } from './clinics';
import { healthRoute, type HealthSources } from './health';
import { settingsRoute } from './settings';

export interface HttpApiOptions {
  readonly models: Models;
  readonly health: HealthSources;
  readonly logger: Logger;
  readonly now?: () => Date;
}

/** The read-only query API. Nothing here changes data: changes arrive as commands on the bus. */
export async function buildHttpApi(options: HttpApiOptions): Promise<FastifyInstance> {
  const { models, logger } = options;
  // Fastify's logger type is a narrower view of pino's; the instance is the service's own pino.
  const app: FastifyInstance = Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
  });
  await app.register(fastifyOtelPlugin());
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(status).send({
      error: status >= 500 ? 'internal_error' : 'bad_request',
      message: status >= 500 ? 'Something went wrong; the error is logged' : error.message,
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: 'not_found', message: `No route ${request.method} ${request.url}` }),
  );
  settingsRoute(app, models);
  clinicsRoute(app, models, options.now ?? (() => new Date()));
  clinicAppointmentsRoute(app, models);
  appointmentRoute(app, models);
  healthRoute(app, options.health);
  return app;
}
